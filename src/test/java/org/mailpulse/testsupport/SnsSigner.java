package org.mailpulse.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Signs SNS envelopes as SNS does, written from the SNS developer guide ("Verifying the signatures of Amazon SNS
 * messages") apart from the application's verifier: the string to sign holds, sorted by name, each signed field
 * present in the envelope as "name\nvalue\n"; for a Notification Message, MessageId, Subject, Timestamp, TopicArn and
 * Type; for a SubscriptionConfirmation or UnsubscribeConfirmation Message, MessageId, SubscribeURL, Timestamp,
 * Token, TopicArn and Type. SignatureVersion 1 signs with SHA1withRSA, 2 with SHA256withRSA.
 */
public final class SnsSigner {

    private static final Set<String> NOTIFICATION = Set.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final Set<String> CONFIRMATION = Set.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrivateKey key;
    private final String certificateUrl;

    public SnsSigner(PrivateKey key, String certificateUrl) {
        this.key = key;
        this.certificateUrl = certificateUrl;
    }

    /** A signed Notification carrying {@code message} (an SES record, for example); {@code subject} may be null. */
    public ObjectNode notification(String topicArn, String message, String subject, int version) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", UUID.randomUUID().toString());
        envelope.put("TopicArn", topicArn);
        if (subject != null) {
            envelope.put("Subject", subject);
        }
        envelope.put("Message", message);
        envelope.put("Timestamp", "2026-11-20T10:05:00.123Z");
        envelope.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":1");
        return sign(envelope, version);
    }

    /** A signed SubscriptionConfirmation or UnsubscribeConfirmation. */
    public ObjectNode confirmation(String type, String topicArn, int version) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", type);
        envelope.put("MessageId", UUID.randomUUID().toString());
        envelope.put("Token", "2336412f37fb687f5d51e6e2425c464de12884ff" + UUID.randomUUID().toString().replace("-", ""));
        envelope.put("TopicArn", topicArn);
        envelope.put("Message", "You have chosen to subscribe to the topic " + topicArn + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        envelope.put("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + topicArn + "&Token=x");
        envelope.put("Timestamp", "2026-11-20T10:05:00.123Z");
        return sign(envelope, version);
    }

    /** Sets SignatureVersion, SigningCertURL and Signature over the envelope's current fields. */
    public ObjectNode sign(ObjectNode envelope, int version) {
        Set<String> signed = "Notification".equals(envelope.path("Type").asText()) ? NOTIFICATION : CONFIRMATION;
        Map<String, String> fields = new TreeMap<>();
        envelope.fields().forEachRemaining(field -> {
            if (signed.contains(field.getKey())) {
                fields.put(field.getKey(), field.getValue().asText());
            }
        });
        StringBuilder toSign = new StringBuilder();
        fields.forEach((name, value) -> toSign.append(name).append('\n').append(value).append('\n'));
        try {
            Signature signature = Signature.getInstance(version == 1 ? "SHA1withRSA" : "SHA256withRSA");
            signature.initSign(key);
            signature.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
            envelope.put("SignatureVersion", String.valueOf(version));
            envelope.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
            envelope.put("SigningCertURL", certificateUrl);
            return envelope;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
