package org.mailpulse.ingest.sns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.testsupport.SnsCertificateServer;
import org.mailpulse.testsupport.SnsSigner;
import org.mailpulse.testsupport.TestCertificates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verifier against real signatures: envelopes signed with test keys whose certificates a local HTTPS server
 * serves, issued by a CA made for the run (the only one trusted here); each way of failing has its own reason.
 */
class SnsSignatureVerifierTest {

    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:mailpulse-ses-events";
    private static final String OTHER_TOPIC = "arn:aws:sns:eu-west-1:999999999999:attacker-events";
    private static final String RECORD = "{\"eventType\":\"Complaint\",\"mail\":{\"messageId\":\"m-1\"},\"note\":\"caf\u00e9 \\\"quoted\\\"\\nline\"}";

    @TempDir
    static Path directory;

    private static SnsCertificateServer server;
    private static Vertx vertx;
    private static SnsSignatureVerifier verifier;
    private static SnsSigner signer;
    private static SnsSigner expired;
    private static SnsSigner foreign;
    private static SnsSigner chained;
    private static String signingPath;

    @BeforeAll
    static void start() throws Exception {
        server = SnsCertificateServer.start(directory);
        signingPath = "/SimpleNotificationService-valid.pem";
        signer = signer(server.issueSigning("valid", "-validity", "2"), signingPath);
        expired = signer(server.issueSigning("expired", "-startdate", "-10d", "-validity", "2"), "/SimpleNotificationService-expired.pem");
        TestCertificates.Issued stranger = TestCertificates.selfSigned(directory.resolve("foreign"), "stranger", "CN=Foreign CA");
        foreign = signer(TestCertificates.issue(stranger, directory.resolve("foreign"), "foreign", "CN=sns.amazonaws.com", "-validity", "2"),
                "/SimpleNotificationService-foreign.pem");
        // As SNS does: the file holds the leaf alone; its issuer is found through the leaf's Authority Information Access.
        TestCertificates.Issued intermediate = TestCertificates.issue(server.authority().ca(), directory, "intermediate", "CN=MailPulse SNS test intermediate",
                "-validity", "2", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
        server.serve("/intermediate.crt", intermediate.certificate());
        chained = signer(TestCertificates.issue(intermediate, directory, "chained", "CN=sns.amazonaws.com", "-validity", "2",
                "-ext", "aia=caIssuers:uri:" + server.url("/intermediate.crt")), "/SimpleNotificationService-chained.pem");
        vertx = Vertx.vertx();
        verifier = verifier(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.closeAndAwait();
    }

    private static SnsSigner signer(TestCertificates.Issued issued, String path) throws Exception {
        return new SnsSigner(issued.privateKey(), server.serve(path, issued.certificate()));
    }

    private static SnsSignatureVerifier verifier(Map<String, String> changes) {
        Map<String, String> values = new HashMap<>(Map.of(
                "mailpulse.ingest.sns.topic-arns", TOPIC,
                "mailpulse.ingest.sns.certificate-host-pattern", "localhost",
                "mailpulse.ingest.sns.certificate-trust-pem", server.trustPem().toString()));
        values.putAll(changes);
        SnsConfig config = new SmallRyeConfigBuilder().withMapping(SnsConfig.class).withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(values).build().getConfigMapping(SnsConfig.class);
        return new SnsSignatureVerifier(config, new SigningCertificates(vertx, config));
    }

    private static void passes(ObjectNode envelope) {
        verifier.verify(envelope).await().atMost(Duration.ofSeconds(20));
    }

    private static SnsRefusal refusal(ObjectNode envelope) {
        return refusal(verifier, envelope);
    }

    private static SnsRefusal refusal(SnsSignatureVerifier verifier, ObjectNode envelope) {
        try {
            verifier.verify(envelope).await().atMost(Duration.ofSeconds(20));
        } catch (SnsRefusedException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return refused.refusal();
        }
        throw new AssertionError("accepted: " + envelope);
    }

    @Test
    void validVersionOneAndTwoNotificationsPass() {
        passes(signer.notification(TOPIC, RECORD, "Amazon SES Email Event Notification", 1));
        passes(signer.notification(TOPIC, RECORD, "Amazon SES Email Event Notification", 2));
        passes(signer.notification(TOPIC, RECORD, null, 2));
    }

    @Test
    void theCertificateIsFetchedOncePerUrl() {
        for (int i = 0; i < 5; i++) {
            passes(signer.notification(TOPIC, RECORD, null, 2));
        }
        assertThat(server.requests(signingPath)).isEqualTo(1);
    }

    @Test
    void subscriptionAndUnsubscribeConfirmationsAreVerified() {
        passes(signer.confirmation("SubscriptionConfirmation", TOPIC, 1));
        passes(signer.confirmation("UnsubscribeConfirmation", TOPIC, 2));
        ObjectNode forged = signer.confirmation("SubscriptionConfirmation", TOPIC, 2);
        forged.put("SubscribeURL", "https://attacker.example/confirm");
        assertThat(refusal(forged)).isEqualTo(SnsRefusal.BAD_SIGNATURE);
        ObjectNode noToken = signer.confirmation("SubscriptionConfirmation", TOPIC, 2);
        noToken.remove("Token");
        assertThat(refusal(noToken)).isEqualTo(SnsRefusal.SIGNATURE_MISSING);
    }

    @Test
    void aChangedByteIsABadSignature() {
        ObjectNode envelope = signer.notification(TOPIC, RECORD, null, 2);
        envelope.put("Message", envelope.get("Message").asText().replace("Complaint", "Complaimt"));
        assertThat(refusal(envelope)).isEqualTo(SnsRefusal.BAD_SIGNATURE);

        ObjectNode subjectAdded = signer.notification(TOPIC, RECORD, null, 1);
        subjectAdded.put("Subject", "added later");
        assertThat(refusal(subjectAdded)).isEqualTo(SnsRefusal.BAD_SIGNATURE);

        ObjectNode versionSwapped = signer.notification(TOPIC, RECORD, null, 1);
        versionSwapped.put("SignatureVersion", "2");
        assertThat(refusal(versionSwapped)).isEqualTo(SnsRefusal.BAD_SIGNATURE);

        ObjectNode signatureFlipped = signer.notification(TOPIC, RECORD, null, 2);
        byte[] signature = Base64.getDecoder().decode(signatureFlipped.get("Signature").asText());
        signature[10] ^= 1;
        signatureFlipped.put("Signature", Base64.getEncoder().encodeToString(signature));
        assertThat(refusal(signatureFlipped)).isEqualTo(SnsRefusal.BAD_SIGNATURE);
    }

    @Test
    void aTopicOutsideTheAllowListIsRefusedEvenWhenSigned() {
        assertThat(refusal(signer.notification(OTHER_TOPIC, RECORD, null, 2))).isEqualTo(SnsRefusal.UNKNOWN_TOPIC);
        ObjectNode retargeted = signer.notification(OTHER_TOPIC, RECORD, null, 2);
        retargeted.put("TopicArn", TOPIC);
        assertThat(refusal(retargeted)).isEqualTo(SnsRefusal.BAD_SIGNATURE);
        assertThat(refusal(verifier(Map.of("mailpulse.ingest.sns.topic-arns", "")), signer.notification(TOPIC, RECORD, null, 2)))
                .isEqualTo(SnsRefusal.UNKNOWN_TOPIC);
    }

    @Test
    void anExpiredCertificateIsRefused() {
        assertThat(refusal(expired.notification(TOPIC, RECORD, null, 2))).isEqualTo(SnsRefusal.CERTIFICATE_EXPIRED);
    }

    @Test
    void aCertificateFromAnUntrustedAuthorityIsRefused() {
        assertThat(refusal(foreign.notification(TOPIC, RECORD, null, 2))).isEqualTo(SnsRefusal.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void anIntermediateIsFetchedFromTheLeafsAuthorityInformationAccess() {
        passes(chained.notification(TOPIC, RECORD, null, 1));
        assertThat(server.requests("/intermediate.crt")).isEqualTo(1);
    }

    @Test
    void certificateUrlsOutsideThePolicyAreRefusedWithoutAFetch() {
        for (String url : new String[]{server.url(signingPath).replace("https:", "http:"),
                "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem",
                "https://localhost.evil.com:" + server.port() + signingPath,
                "https://sns.us-east-1.amazonaws.com@localhost:" + server.port() + signingPath,
                server.url("/SimpleNotificationService-valid.crt"),
                server.url(signingPath) + "?x=.pem"}) {
            ObjectNode envelope = signer.notification(TOPIC, RECORD, null, 2);
            envelope.put("SigningCertURL", url);
            assertThat(refusal(envelope)).as(url).isEqualTo(SnsRefusal.CERTIFICATE_URL_REFUSED);
        }
    }

    @Test
    void aMissingSignatureOrUnknownVersionIsRefused() {
        for (String field : new String[]{"Signature", "SignatureVersion", "SigningCertURL", "MessageId", "Timestamp", "Message"}) {
            ObjectNode envelope = signer.notification(TOPIC, RECORD, null, 2);
            envelope.remove(field);
            assertThat(refusal(envelope)).as(field).isEqualTo(SnsRefusal.SIGNATURE_MISSING);
        }
        ObjectNode versionThree = signer.notification(TOPIC, RECORD, null, 2);
        versionThree.put("SignatureVersion", "3");
        assertThat(refusal(versionThree)).isEqualTo(SnsRefusal.UNSUPPORTED_VERSION);
    }

    @Test
    void aFileThatIsNoCertificateIsRefusedButAnUnreachableHostIsAnOutage() throws Exception {
        ObjectNode missing = signer.notification(TOPIC, RECORD, null, 2);
        missing.put("SigningCertURL", server.url("/SimpleNotificationService-absent.pem"));
        assertThat(refusal(missing)).isEqualTo(SnsRefusal.CERTIFICATE_UNAVAILABLE);

        ObjectNode unreachable = signer.notification(TOPIC, RECORD, null, 2);
        unreachable.put("SigningCertURL", "https://localhost:" + FreePort.find() + signingPath);
        assertThatThrownBy(() -> verifier.verify(unreachable).await().atMost(Duration.ofSeconds(20)))
                .isNotInstanceOf(SnsRefusedException.class);
    }
}
