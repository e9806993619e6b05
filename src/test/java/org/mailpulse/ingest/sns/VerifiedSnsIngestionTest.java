package org.mailpulse.ingest.sns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.ServerControl;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.SnsCertificateServer;
import org.mailpulse.testsupport.SnsSigner;
import org.mailpulse.testsupport.TestCertificates;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Verification on, through the real queue: signed envelopes are applied, forged ones are quarantined with their
 * reason and counted, and nothing of them is applied. The signing certificate comes from a local HTTPS stand-in
 * for the SNS host, trusted through the test-only settings.
 */
@QuarkusTest
@TestProfile(VerifiedSnsIngestionTest.Verified.class)
class VerifiedSnsIngestionTest {

    static final String STORE = "mptest.sns.signing-store";
    static final String URL = "mptest.sns.signing-url";
    static final String UNCACHED_URL = "mptest.sns.uncached-url";
    static final String CERTIFICATE_HOST = "SnsCertificateHost";
    private static final String TOPIC = SesFixtures.TOPIC_ARN;

    @Test
    void signedEnvelopesAreAppliedAndForgedOnesQuarantinedWithTheirReason() {
        SnsSigner signer = new SnsSigner(new TestCertificates.Issued(Path.of(System.getProperty(STORE)), "signing", null).privateKey(),
                System.getProperty(URL));
        SentMessage delivered = TestData.sentMessage();
        SentMessage complainedV1 = TestData.sentMessage();
        SentMessage forgedTarget = TestData.sentMessage();
        SentMessage otherTopicTarget = TestData.sentMessage();
        SentMessage unsignedTarget = TestData.sentMessage();
        SentMessage rawDelivered = TestData.sentMessage();
        double badSignaturesBefore = failures("bad_signature");
        double unknownTopicsBefore = failures("unknown_topic");
        double missingBefore = failures("signature_missing");
        long quarantinedBefore = Db.count("select count(*) from ingest_quarantine");

        ObjectNode forged = signer.notification(TOPIC, record("publishing/delivery.json", forgedTarget), SesFixtures.SNS_SUBJECT, 2);
        forged.put("Message", record("publishing/complaint.json", forgedTarget));
        ObjectNode unsigned = signer.notification(TOPIC, record("publishing/complaint.json", unsignedTarget), SesFixtures.SNS_SUBJECT, 2);
        unsigned.remove("Signature");
        Queue.send(List.of(
                signer.notification(TOPIC, record("publishing/delivery.json", delivered), SesFixtures.SNS_SUBJECT, 2).toString(),
                signer.notification(TOPIC, record("publishing/complaint.json", complainedV1), SesFixtures.SNS_SUBJECT, 1).toString(),
                signer.confirmation("SubscriptionConfirmation", TOPIC, 1).toString(),
                forged.toString(),
                signer.notification("arn:aws:sns:us-east-1:999999999999:attacker", record("publishing/complaint.json", otherTopicTarget), null, 2).toString(),
                unsigned.toString(),
                // A bare SES record carries no signature; the queue policy protects it, and it is applied.
                record("publishing/delivery.json", rawDelivered)));
        Queue.awaitDrained();

        assertThat(status(delivered)).isEqualTo("DELIVERED");
        assertThat(status(rawDelivered)).isEqualTo("DELIVERED");
        assertThat(status(complainedV1)).isEqualTo("COMPLAINED");
        assertThat(Db.count("select count(*) from suppression_list where email = ?", complainedV1.email())).isEqualTo(1);
        for (SentMessage target : List.of(forgedTarget, otherTopicTarget, unsignedTarget)) {
            assertThat(status(target)).as(target.email()).isEqualTo("SENT");
            assertThat(Db.count("select count(*) from suppression_list where email = ?", target.email())).as(target.email()).isZero();
        }
        assertThat(reason(forgedTarget)).startsWith("SNS envelope refused (bad_signature): ");
        assertThat(reason(otherTopicTarget)).startsWith("SNS envelope refused (unknown_topic): TopicArn arn:aws:sns:us-east-1:999999999999:attacker");
        assertThat(reason(unsignedTarget)).isEqualTo("SNS envelope refused (signature_missing): SNS envelope has no Signature");
        // The verified SubscriptionConfirmation is logged and skipped, never confirmed nor quarantined.
        assertThat(Db.count("select count(*) from ingest_quarantine") - quarantinedBefore).isEqualTo(3);
        assertThat(failures("bad_signature") - badSignaturesBefore).isEqualTo(1);
        assertThat(failures("unknown_topic") - unknownTopicsBefore).isEqualTo(1);
        assertThat(failures("signature_missing") - missingBefore).isEqualTo(1);
    }

    @Test
    void anUnreachableCertificateHostIsAnOutageNotAQuarantine() {
        SnsSigner signer = new SnsSigner(new TestCertificates.Issued(Path.of(System.getProperty(STORE)), "signing", null).privateKey(),
                System.getProperty(UNCACHED_URL));
        SentMessage message = TestData.sentMessage();
        long quarantinedBefore = Db.count("select count(*) from ingest_quarantine");
        double batchFailuresBefore = batchFailures();
        ServerControl.invoke(CERTIFICATE_HOST, "stop");
        try {
            Queue.send(signer.notification(TOPIC, record("publishing/delivery.json", message), SesFixtures.SNS_SUBJECT, 2).toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> batchFailures() >= batchFailuresBefore + 2);
            assertThat(status(message)).isEqualTo("SENT");
            assertThat(Db.count("select count(*) from ingest_quarantine") - quarantinedBefore).isZero();
        } finally {
            ServerControl.invoke(CERTIFICATE_HOST, "start");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(status(message)));
        assertThat(Db.count("select count(*) from ingest_quarantine") - quarantinedBefore).isZero();
    }

    private static double batchFailures() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("^mailpulse_ingest_batch_failures_total(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(matcher.find()).as("mailpulse_ingest_batch_failures_total").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static String record(String fixture, SentMessage message) {
        return SesFixtures.event(fixture).messageId(message.sesMessageId()).recipient(message.email())
                .mailTimestamp(Instant.parse("2026-11-20T10:00:00Z")).eventTimestamp(Instant.parse("2026-11-20T10:05:00.123Z"))
                .campaignId(message.campaignId().toString()).customerId(message.customerId().toString()).userId("user-42").raw();
    }

    private static String status(SentMessage message) {
        return (String) Db.row("select status from campaign_recipients where ses_message_id = ?", message.sesMessageId()).get("status");
    }

    private static String reason(SentMessage message) {
        return (String) Db.row("select reason from ingest_quarantine where body like ?", "%" + message.sesMessageId() + "%").get("reason");
    }

    private static double failures(String reason) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("^mailpulse_ingest_sns_verification_failures_total\\{[^}]*reason=\"" + reason + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        assertThat(matcher.find()).as("metric for " + reason).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** Verification on, with the certificate host widened to the local stand-in and its CA trusted. */
    public static class Verified implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mailpulse.ingest.sns.verify-signatures", "true",
                    "mailpulse.ingest.sns.topic-arns", TOPIC,
                    "mailpulse.ingest.sns.certificate-host-pattern", "localhost");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SigningCertificateHost.class));
        }
    }

    /** Serves one signing certificate over HTTPS; the test finds its key and URL through system properties. */
    public static class SigningCertificateHost implements QuarkusTestResourceLifecycleManager {

        private SnsCertificateServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = SnsCertificateServer.start(Files.createTempDirectory("mailpulse-sns"));
                TestCertificates.Issued signing = server.issueSigning("signing", "-validity", "2");
                System.setProperty(STORE, signing.store().toString());
                System.setProperty(URL, server.serve("/SimpleNotificationService-test.pem", signing.certificate()));
                System.setProperty(UNCACHED_URL, server.serve("/SimpleNotificationService-uncached.pem", signing.certificate()));
                ServerControl.publish(CERTIFICATE_HOST, server::stop, server::restart);
                return Map.of("mailpulse.ingest.sns.certificate-trust-pem", server.trustPem().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }
}
