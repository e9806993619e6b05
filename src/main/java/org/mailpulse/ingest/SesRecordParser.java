package org.mailpulse.ingest;

import org.mailpulse.ses.event.EventIdentity;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ses.event.SesEventType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an SQS message body into an {@link ParsedInput}: an SNS envelope, an EventBridge event from SES
 * ({@code source} aws.ses, the record in {@code detail}) or a raw SES record, in the event-publishing
 * ({@code eventType}) or the older notification ({@code notificationType}) format. The event's key is its
 * {@link EventIdentity}, whatever the wrapping. Unknown fields are ignored; anything structurally wrong becomes
 * {@link ParsedInput.Invalid} with a reason, never an exception.
 */
@ApplicationScoped
public class SesRecordParser {

    static final String TOPIC_VALIDATION_PREFIX = "Successfully validated SNS topic";
    static final String EVENTBRIDGE_SOURCE = "aws.ses";

    private final ObjectReader json;
    private final ObjectMapper mapper;

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
        this.mapper = mapper;
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
        if (root.has("detail-type") || root.has("detail")) {
            return parseEventBridge(root);
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
        SesEvent.Envelope sns = new SesEvent.Envelope(type, snsMessageId.isBlank() ? null : snsMessageId,
                textOrNull(envelope.get("Subject")), textOrNull(envelope.get("Timestamp")));
        return parseRecord(record, message, sns);
    }

    /** An EventBridge event as an SQS target of a rule on the bus SES publishes to: the SES record is its {@code detail}. */
    private ParsedInput parseEventBridge(JsonNode event) {
        JsonNode source = event.get("source");
        if (source == null || !source.isTextual()) {
            return invalid("EventBridge event has no source");
        }
        if (!EVENTBRIDGE_SOURCE.equals(source.asText())) {
            return invalid("EventBridge event source '" + abbreviate(source.asText()) + "' is not " + EVENTBRIDGE_SOURCE);
        }
        JsonNode detailTypeNode = event.get("detail-type");
        if (detailTypeNode == null || detailTypeNode.isNull()) {
            return invalid("EventBridge event has no detail-type");
        }
        if (!detailTypeNode.isTextual()) {
            return invalid("EventBridge detail-type is not a string");
        }
        Optional<SesEventType> type = SesEventType.fromEventBridgeDetailType(detailTypeNode.asText());
        if (type.isEmpty()) {
            return invalid("unknown EventBridge detail-type '" + abbreviate(detailTypeNode.asText()) + "'");
        }
        JsonNode detail = event.get("detail");
        if (detail == null || detail.isNull()) {
            return invalid("EventBridge event has no detail");
        }
        if (!detail.isObject()) {
            return invalid("EventBridge detail is not an object");
        }
        JsonNode recordType = detail.has("eventType") ? detail.get("eventType") : detail.get("notificationType");
        if (recordType == null) {
            return invalid("EventBridge detail is not an SES record (no eventType)");
        }
        if (recordType.isTextual() && !recordType.asText().equals(type.get().wireName())) {
            return invalid("EventBridge detail-type '" + detailTypeNode.asText() + "' does not match the record's type '"
                    + abbreviate(recordType.asText()) + "'");
        }
        String recordText;
        try {
            recordText = mapper.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SesEvent.Envelope envelope = SesEvent.Envelope.eventBridge(textOrNull(event.get("id")), detailTypeNode.asText(),
                textOrNull(event.get("time")));
        return parseRecord(detail, recordText, envelope);
    }

    private ParsedInput parseRecord(JsonNode record, String recordText, SesEvent.Envelope envelope) {
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
        String dedupeKey = EventIdentity.of(sesMessageId, type, eventTime, recipients, detail);
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
