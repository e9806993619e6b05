package org.mailpulse.ingest.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks one SNS envelope as the SNS developer guide ("Verifying the signatures of Amazon SNS messages") lays out:
 * the string to sign is each field name and value on a line of their own, in byte order of the names; for a
 * Notification {@code Message, MessageId, Subject} (only if present){@code , Timestamp, TopicArn, Type}; for a
 * SubscriptionConfirmation or UnsubscribeConfirmation {@code Message, MessageId, SubscribeURL, Timestamp, Token,
 * TopicArn, Type}. SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. The cheap checks (fields, version,
 * topic, certificate URL) come first, so a forged topic or URL costs no fetch.
 * <p>
 * The {@code Uni} completes when the envelope is authentic, fails with {@link SnsRefusedException} when it is not,
 * and with any other error when the signing certificate could not be fetched (an outage, retried).
 */
@ApplicationScoped
public class SnsSignatureVerifier {

    private static final List<String> NOTIFICATION_FIELDS = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final List<String> CONFIRMATION_FIELDS = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");

    private final Set<String> topicArns;
    private final CertificateUrlPolicy urls;
    private final SigningCertificates certificates;

    public SnsSignatureVerifier(SnsConfig config, SigningCertificates certificates) {
        this.topicArns = Set.copyOf(config.topicArns().orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        this.urls = new CertificateUrlPolicy(config.certificateHostPattern());
        this.certificates = certificates;
    }

    /** Whether {@link #verify} applies: the SNS message types that carry a signature. */
    public static boolean isSigned(String type) {
        return "Notification".equals(type) || "SubscriptionConfirmation".equals(type) || "UnsubscribeConfirmation".equals(type);
    }

    public Uni<Void> verify(JsonNode envelope) {
        try {
            String type = text(envelope, "Type");
            String algorithm = algorithm(envelope);
            byte[] signature = signature(envelope);
            String topic = text(envelope, "TopicArn");
            if (topic == null || !topicArns.contains(topic)) {
                throw new SnsRefusedException(SnsRefusal.UNKNOWN_TOPIC, "TopicArn " + (topic == null ? "missing"
                        : CertificateUrlPolicy.abbreviate(topic)) + " is not in mailpulse.ingest.sns.topic-arns");
            }
            byte[] signed = stringToSign(envelope, "Notification".equals(type) ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS);
            URI certificateUrl = urls.check(required(envelope, "SigningCertURL"));
            return certificates.certificate(certificateUrl).map(certificate -> {
                check(algorithm, certificate, signed, signature);
                return null;
            });
        } catch (SnsRefusedException refused) {
            return Uni.createFrom().failure(refused);
        }
    }

    private static String algorithm(JsonNode envelope) {
        String version = required(envelope, "SignatureVersion");
        return switch (version) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new SnsRefusedException(SnsRefusal.UNSUPPORTED_VERSION, "SignatureVersion '"
                    + CertificateUrlPolicy.abbreviate(version) + "' is not 1 or 2");
        };
    }

    private static byte[] signature(JsonNode envelope) {
        String signature = required(envelope, "Signature");
        try {
            return Base64.getDecoder().decode(signature.strip());
        } catch (IllegalArgumentException e) {
            throw new SnsRefusedException(SnsRefusal.BAD_SIGNATURE, "Signature is not base64");
        }
    }

    private static byte[] stringToSign(JsonNode envelope, List<String> fields) {
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            String value = text(envelope, field);
            if (value == null && "Subject".equals(field)) {
                continue;
            }
            if (value == null) {
                throw missing(field);
            }
            text.append(field).append('\n').append(value).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void check(String algorithm, X509Certificate certificate, byte[] signed, byte[] signature) {
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(signed);
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new SnsRefusedException(SnsRefusal.BAD_SIGNATURE, "signature does not match the envelope (" + algorithm + ", certificate "
                    + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static String required(JsonNode envelope, String field) {
        String value = text(envelope, field);
        if (value == null || value.isBlank()) {
            throw missing(field);
        }
        return value;
    }

    private static String text(JsonNode envelope, String field) {
        JsonNode node = envelope.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static SnsRefusedException missing(String field) {
        return new SnsRefusedException(SnsRefusal.SIGNATURE_MISSING, "SNS envelope has no " + field);
    }
}
