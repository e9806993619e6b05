package org.mailpulse.ses.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The identity of one SES event, taken from the event itself: the same event has the same key whatever wraps it
 * (SNS envelope, raw delivery, EventBridge) and whichever format SES used (event publishing's {@code eventType} or
 * the identity notification's {@code notificationType}; both name the type and its fields alike). The key is
 * {@code ev:} and the hex SHA-256 of {@code mail.messageId}, the type, and the type's own identity:
 *
 * <table>
 *   <caption>What tells two events of a type apart</caption>
 *   <tr><th>Type</th><th>Identity besides mail.messageId and type</th></tr>
 *   <tr><td>Bounce, Complaint</td><td>{@code feedbackId} (SES's id of that feedback); without one, the event time and the sorted recipients</td></tr>
 *   <tr><td>Delivery</td><td>{@code delivery.timestamp} and the sorted {@code delivery.recipients}</td></tr>
 *   <tr><td>Send</td><td>nothing: SES sends one Send per message</td></tr>
 *   <tr><td>Reject</td><td>nothing: one Reject per message</td></tr>
 *   <tr><td>Rendering Failure</td><td>{@code failure.errorMessage}</td></tr>
 *   <tr><td>DeliveryDelay</td><td>{@code deliveryDelay.timestamp}, {@code delayType} and the sorted delayed recipients</td></tr>
 *   <tr><td>Open</td><td>{@code open.timestamp}, {@code ipAddress}, {@code userAgent}</td></tr>
 *   <tr><td>Click</td><td>{@code click.timestamp}, {@code link}, {@code ipAddress}, {@code userAgent}</td></tr>
 *   <tr><td>Subscription</td><td>{@code subscription.timestamp}, {@code contactList} and {@code newTopicPreferences}
 *       (as canonical JSON: keys sorted, so key order does not matter)</td></tr>
 * </table>
 * Timestamps enter as parsed instants, so {@code 10:00:00Z} and {@code 10:00:00.000Z} are the same time. Each part
 * is length-prefixed, so no value can imitate a boundary between two parts.
 */
public final class EventIdentity {

    public static final String PREFIX = "ev:";

    private EventIdentity() {
    }

    /**
     * @param eventTime  the event's own timestamp (the mail's where the type has none), as the parser read it
     * @param recipients the addresses the event concerns, bare and lowercase
     * @param detail     the type's object ({@code bounce}, {@code open}, ...), or null where the record has none
     */
    public static String of(String sesMessageId, SesEventType type, Instant eventTime, List<String> recipients, JsonNode detail) {
        List<String> parts = new ArrayList<>(List.of(sesMessageId, type.wireName()));
        switch (type) {
            case BOUNCE, COMPLAINT -> {
                String feedbackId = text(detail, "feedbackId");
                if (feedbackId != null && !feedbackId.isBlank()) {
                    parts.add(feedbackId);
                } else {
                    parts.add(eventTime.toString());
                    parts.add(sorted(recipients));
                }
            }
            case DELIVERY -> {
                parts.add(eventTime.toString());
                parts.add(sorted(recipients));
            }
            case SEND, REJECT -> {
            }
            case RENDERING_FAILURE -> parts.add(text(detail, "errorMessage"));
            case DELIVERY_DELAY -> {
                parts.add(eventTime.toString());
                parts.add(text(detail, "delayType"));
                parts.add(sorted(recipients));
            }
            case OPEN -> {
                parts.add(eventTime.toString());
                parts.add(text(detail, "ipAddress"));
                parts.add(text(detail, "userAgent"));
            }
            case CLICK -> {
                parts.add(eventTime.toString());
                parts.add(text(detail, "link"));
                parts.add(text(detail, "ipAddress"));
                parts.add(text(detail, "userAgent"));
            }
            case SUBSCRIPTION -> {
                parts.add(eventTime.toString());
                parts.add(text(detail, "contactList"));
                parts.add(detail == null ? null : canonical(detail.get("newTopicPreferences")));
            }
        }
        return PREFIX + sha256(parts);
    }

    /**
     * The key versions before V8 stored for the event: the SNS MessageId where an SNS envelope carried one, else
     * {@code raw:} and the hex SHA-256 of message id, type, event time and sorted recipients. Such keys stay in
     * {@code ingest_dedupe} for the dedupe retention after an upgrade, and an event whose pre-V8 key is there was
     * applied before it ({@code DedupeKeyRepository}).
     */
    public static String preV8Key(SesEvent event) {
        SesEvent.Envelope envelope = event.envelope();
        if (envelope != null && envelope.isSns() && envelope.messageId() != null) {
            return envelope.messageId();
        }
        String material = event.sesMessageId() + '\n' + event.type().wireName() + '\n' + event.eventTime() + '\n' + sorted(event.recipients());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return "raw:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode detail, String field) {
        JsonNode value = detail == null ? null : detail.get(field);
        return value == null || value.isNull() ? null : value.isTextual() ? value.asText() : value.toString();
    }

    private static String sorted(List<String> recipients) {
        return String.join(",", recipients.stream().sorted().toList());
    }

    /** JSON with object keys sorted at every level; arrays keep their order (it is part of the value). */
    static String canonical(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        writeCanonical(node, out);
        return out.toString();
    }

    private static void writeCanonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                out.append(i == 0 ? "" : ",").append(TextNode.valueOf(fields.get(i).getKey())).append(':');
                writeCanonical(fields.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                writeCanonical(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node);
        }
    }

    private static String sha256(List<String> parts) {
        StringBuilder material = new StringBuilder();
        for (String part : parts) {
            if (part == null) {
                material.append("-1:");
            } else {
                material.append(part.length()).append(':').append(part);
            }
            material.append(';');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
