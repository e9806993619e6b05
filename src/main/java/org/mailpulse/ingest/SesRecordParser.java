package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ses.event.SesEventType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an SQS message body into an {@link ParsedInput}: an SNS envelope or a raw SES record, in the
 * event-publishing ({@code eventType}) or the older notification ({@code notificationType}) format. Unknown
 * fields are ignored; anything structurally wrong becomes {@link ParsedInput.Invalid} with a reason, never an
 * exception.
 */
@ApplicationScoped
public class SesRecordParser {

    static final String TOPIC_VALIDATION_PREFIX = "Successfully validated SNS topic";

    private final ObjectReader json;

    /**
     * Strict about what JSON leaves open: a key given twice (which value is meant?) and content after the complete
     * value are refused, so such a body is quarantined instead of being applied as one reading of it. Unknown fields
     * are ignored whatever the REST layer's setting: SES adds fields to its events.
     */
    public SesRecordParser(ObjectMapper mapper) {
        this.json = mapper.reader()
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ParsedInput parse(String body) {
        if (body == null || body.isBlank()) {
            return invalid("empty body");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return invalid("body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return invalid("body is not a JSON object");
        }
        if (root.has("Type")) {
            return parseEnvelope(root);
        }
        return parseRecord(root, body, null);
    }

    private ParsedInput parseEnvelope(JsonNode envelope) {
        JsonNode typeNode = envelope.get("Type");
        if (!typeNode.isTextual()) {
            return invalid("SNS Type is not a string");
        }
        String type = typeNode.asText();
        switch (type) {
            case "SubscriptionConfirmation", "UnsubscribeConfirmation":
                return new ParsedInput.Ignored("SNS " + type + " for topic " + envelope.path("TopicArn").asText("?")
                        + "; confirm it with the SubscribeURL if the subscription is not confirmed yet");
            case "Notification":
                break;
            default:
                return invalid("unknown SNS Type '" + abbreviate(type) + "'");
        }
        JsonNode messageNode = envelope.get("Message");
        if (messageNode == null || messageNode.isNull()) {
            return invalid("SNS Notification has no Message");
        }
        if (!messageNode.isTextual()) {
            return invalid("SNS Message is not a string");
        }
        String message = messageNode.asText();
        if (message.startsWith(TOPIC_VALIDATION_PREFIX)) {
            return new ParsedInput.Ignored("SES topic validation notification for " + envelope.path("TopicArn").asText("?"));
        }
        JsonNode record;
        try {
            record = json.readTree(message);
        } catch (JsonProcessingException e) {
            return invalid("SNS Message is not JSON: " + e.getOriginalMessage());
        }
        if (record == null || !record.isObject()) {
            return invalid("SNS Message is not a JSON object");
        }
        String snsMessageId = envelope.path("MessageId").asText("");
        SesEvent.SnsEnvelope sns = new SesEvent.SnsEnvelope(type, snsMessageId.isBlank() ? null : snsMessageId,
                textOrNull(envelope.get("Subject")), textOrNull(envelope.get("Timestamp")));
        return parseRecord(record, message, sns);
    }

    private ParsedInput parseRecord(JsonNode record, String recordText, SesEvent.SnsEnvelope envelope) {
        JsonNode typeNode = record.has("eventType") ? record.get("eventType") : record.get("notificationType");
        if (typeNode == null) {
            return invalid("neither an SNS envelope nor an SES record (no Type, eventType or notificationType)");
        }
        if (!typeNode.isTextual()) {
            return invalid("SES event type is not a string");
        }
        String typeName = typeNode.asText();
        if ("AmazonSnsSubscriptionSucceeded".equals(typeName)) {
            return new ParsedInput.Ignored("SES notification subscription succeeded");
        }
        Optional<SesEventType> maybeType = SesEventType.fromWireName(typeName);
        if (maybeType.isEmpty()) {
            return invalid("unknown SES event type '" + abbreviate(typeName) + "'");
        }
        SesEventType type = maybeType.get();

        JsonNode mail = record.get("mail");
        if (mail == null || !mail.isObject()) {
            return invalid(type.wireName() + " record has no mail object");
        }
        JsonNode messageIdNode = mail.get("messageId");
        if (messageIdNode == null || !messageIdNode.isTextual() || messageIdNode.asText().isBlank()) {
            return invalid(type.wireName() + " record has no mail.messageId");
        }
        JsonNode detail = record.get(type.detailField());
        if (detail != null && !detail.isObject()) {
            return invalid(type.wireName() + " record's " + type.detailField() + " is not an object");
        }
        if (detail == null && type.requiresDetail()) {
            return invalid(type.wireName() + " record has no " + type.detailField() + " object");
        }

        Instant mailTimestamp;
        Instant eventTime;
        List<String> recipients;
        try {
            mailTimestamp = instantOrNull(mail.get("timestamp"), "mail.timestamp");
            Instant ownTime = detail == null ? null : instantOrNull(detail.get("timestamp"), type.detailField() + ".timestamp");
            eventTime = ownTime != null ? ownTime : mailTimestamp;
            if (eventTime == null) {
                return invalid(type.wireName() + " record has no event time");
            }
            recipients = recipients(type, detail, mail);
        } catch (InvalidField e) {
            return invalid(type.wireName() + " record: " + e.getMessage());
        }

        String sesMessageId = messageIdNode.asText();
        String dedupeKey = envelope != null && envelope.messageId() != null
                ? envelope.messageId()
                : derivedKey(sesMessageId, type, eventTime, recipients);
        JsonNode commonHeaders = mail.path("commonHeaders");
        return new ParsedInput.Event(new SesEvent(
                dedupeKey, type, sesMessageId, eventTime, mailTimestamp, recipients,
                textOrNull(mail.get("source")),
                textOrNull(commonHeaders.get("subject")),
                headers(mail.get("headers")),
                tags(mail.get("tags")),
                detail,
                recordText,
                envelope));
    }

    /** The addresses an event concerns: the type's own recipient list, else the mail's destination. */
    private static List<String> recipients(SesEventType type, JsonNode detail, JsonNode mail) {
        return switch (type) {
            case BOUNCE -> addressesOf(detail.get("bouncedRecipients"), "bounce.bouncedRecipients");
            case COMPLAINT -> addressesOf(detail.get("complainedRecipients"), "complaint.complainedRecipients");
            case DELIVERY_DELAY -> addressesOf(detail.get("delayedRecipients"), "deliveryDelay.delayedRecipients");
            case DELIVERY -> strings(detail.get("recipients"), "delivery.recipients");
            default -> strings(mail.get("destination"), "mail.destination");
        };
    }

    private static List<String> addressesOf(JsonNode array, String field) {
        if (array == null || !array.isArray()) {
            throw new InvalidField(field + " is not an array");
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode entry : array) {
            JsonNode address = entry.get("emailAddress");
            if (!entry.isObject() || address == null || !address.isTextual()) {
                throw new InvalidField(field + " has an entry without emailAddress");
            }
            addresses.add(bareAddress(address.asText()));
        }
        return List.copyOf(addresses);
    }

    private static List<String> strings(JsonNode array, String field) {
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidField(field + " is not an array");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode entry : array) {
            if (!entry.isTextual()) {
                throw new InvalidField(field + " has a non-string entry");
            }
            values.add(bareAddress(entry.asText()));
        }
        return List.copyOf(values);
    }

    /** SES sometimes gives "Name <address>"; MailPulse keys everything on the bare lowercase address. */
    static String bareAddress(String address) {
        String trimmed = address.trim();
        int open = trimmed.lastIndexOf('<');
        int close = trimmed.lastIndexOf('>');
        if (open >= 0 && close > open) {
            trimmed = trimmed.substring(open + 1, close).trim();
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> headers(JsonNode headers) {
        Map<String, String> values = new HashMap<>();
        if (headers != null && headers.isArray()) {
            for (JsonNode header : headers) {
                if (header.path("name").isTextual() && header.path("value").isTextual()) {
                    values.putIfAbsent(header.get("name").asText(), header.get("value").asText());
                }
            }
        }
        return values;
    }

    private static Map<String, String> tags(JsonNode tags) {
        Map<String, String> values = new HashMap<>();
        if (tags != null && tags.isObject()) {
            tags.fields().forEachRemaining(field -> {
                JsonNode first = field.getValue().path(0);
                if (first.isTextual()) {
                    values.put(field.getKey(), first.asText());
                }
            });
        }
        return values;
    }

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private static Instant instantOrNull(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidField(field + " is not a string");
        }
        Instant instant;
        try {
            instant = Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new InvalidField(field + " is not an ISO-8601 time: '" + abbreviate(node.asText()) + "'");
        }
        // ISO-8601 allows years PostgreSQL would store as 'infinity' or shift into BC: such a time is not an SES time.
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw new InvalidField(field + " is out of range: '" + abbreviate(node.asText()) + "'");
        }
        return instant;
    }

    static String derivedKey(String sesMessageId, SesEventType type, Instant eventTime, List<String> recipients) {
        List<String> sorted = recipients.stream().sorted().toList();
        String material = sesMessageId + '\n' + type.wireName() + '\n' + eventTime + '\n' + String.join(",", sorted);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return "raw:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "…";
    }

    private static ParsedInput invalid(String reason) {
        return new ParsedInput.Invalid(reason);
    }

    private static final class InvalidField extends RuntimeException {
        InvalidField(String message) {
            super(message, null, false, false);
        }
    }
}
