package org.mailpulse.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the Amazon SES / SNS test fixtures under {@code src/test/resources/ses-events/}.
 *
 * <p>Fixture files are JSON records written from the AWS documentation examples, with
 * {@code {{key}}} placeholders inside string values. Known keys: {@code messageId},
 * {@code recipient}, {@code mailTimestamp}, {@code eventTimestamp}, {@code campaignId},
 * {@code customerId}, {@code userId}, {@code reportType}, {@code eventBridgeId}. The {@code eventbridge/}
 * fixtures are the {@code publishing/} records of the same name as the {@code detail} of the EventBridge event
 * SES puts on the default bus (the SQS body of a rule with an SQS target).
 *
 * <pre>{@code
 * String raw = SesFixtures.event("publishing/bounce-permanent.json")
 *         .messageId("m1").recipient("a@example.com").raw();
 * String sqsBody = SesFixtures.event("publishing/open.json").messageId("m2").inSnsEnvelope("sns-1");
 * for (String body : SesFixtures.malformedBodies()) { ... }
 * }</pre>
 */
public final class SesFixtures {

    /** Classpath folder holding all fixtures. */
    public static final String ROOT = "ses-events/";
    public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:mailpulse-events";
    public static final String SNS_SUBJECT = "Amazon SES Email Event Notification";
    public static final String SIGNING_CERT_URL =
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem";
    public static final String UNSUBSCRIBE_URL =
            "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                    + TOPIC_ARN + ":c9135db0-26c4-47ec-8998-413945fb5a96";

    /** Message ID of the AWS documentation examples; used when a test does not set one. */
    public static final String DEFAULT_MESSAGE_ID = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";
    public static final String DEFAULT_RECIPIENT = "recipient@example.com";
    public static final Instant DEFAULT_TIMESTAMP = Instant.parse("2026-01-01T00:00:00Z");

    /** SES writes timestamps as ISO-8601 UTC with milliseconds, e.g. 2017-08-05T00:41:02.669Z. */
    private static final DateTimeFormatter SES_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** SES record type to the detail-type of its EventBridge event (SES developer guide, "Monitoring SES events using Amazon EventBridge"). */
    public static final Map<String, String> EVENTBRIDGE_DETAIL_TYPES = Map.of(
            "Send", "Email Sent", "Reject", "Email Rejected", "Bounce", "Email Bounced",
            "Complaint", "Email Complaint Received", "Delivery", "Email Delivered", "Open", "Email Opened",
            "Click", "Email Clicked", "Rendering Failure", "Email Rendering Failed",
            "DeliveryDelay", "Email Delivery Delayed", "Subscription", "Email Subscribed");

    private SesFixtures() {
    }

    // ---------------------------------------------------------------- loading

    /** Raw UTF-8 text of {@code ses-events/<path>}, without any substitution. */
    public static String load(String path) {
        Objects.requireNonNull(path, "path");
        String resource = ROOT + path;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = SesFixtures.class.getClassLoader();
        }
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            in = SesFixtures.class.getClassLoader().getResourceAsStream(resource);
        }
        if (in == null) {
            throw new IllegalArgumentException("No fixture on the classpath: " + resource);
        }
        try (InputStream stream = in) {
            byte[] bytes = stream.readAllBytes();
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("Fixture is not valid UTF-8: " + resource, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read fixture " + resource, e);
        }
    }

    /**
     * Loads {@code ses-events/<path>} and replaces every {@code {{key}}} with {@code values.get(key)}.
     * Values are JSON-string-escaped (every placeholder sits inside a JSON string value), so the
     * result stays valid JSON whatever the value. Keys in {@code values} that the file does not use
     * are ignored.
     *
     * @throws IllegalArgumentException if the file contains placeholders with no value, naming them all
     */
    public static String record(String path, Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        String template = load(path);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        Set<String> missing = new LinkedHashSet<>();
        while (m.find()) {
            String key = m.group(1);
            String value = values.get(key);
            if (value == null) {
                missing.add(key);
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(escapeJson(value)));
            }
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            StringBuilder names = new StringBuilder();
            for (String key : missing) {
                names.append(names.length() == 0 ? "" : ", ").append("{{").append(key).append("}}");
            }
            throw new IllegalArgumentException(
                    "Unbound placeholders in " + ROOT + path + ": " + names);
        }
        return out.toString();
    }

    /** Starts a fluent builder for {@code ses-events/<path>} with all defaults set. */
    public static Event event(String path) {
        return new Event(path);
    }

    // ---------------------------------------------------------------- indexes

    /** Every malformed SQS body (contents) listed in {@code ses-events/malformed/index.txt}. */
    public static List<String> malformedBodies() {
        return List.copyOf(malformedCorpus().values());
    }

    /** File name to body, in index order; handy for parameterized test names. */
    public static Map<String, String> malformedCorpus() {
        Map<String, String> corpus = new LinkedHashMap<>();
        for (String name : index("malformed/index.txt")) {
            corpus.put(name, load("malformed/" + name));
        }
        return Collections.unmodifiableMap(corpus);
    }

    /** Paths (relative to {@code ses-events/}, usable with {@link #event}/{@link #record}) of the event-publishing records. */
    public static List<String> publishingFixtures() {
        return prefixed("publishing/");
    }

    /** Paths (relative to {@code ses-events/}) of the EventBridge events, one per publishing record. */
    public static List<String> eventBridgeFixtures() {
        return prefixed("eventbridge/");
    }

    /** Paths (relative to {@code ses-events/}) of the older notification-format records. */
    public static List<String> notificationFixtures() {
        return prefixed("notification/");
    }

    private static List<String> prefixed(String folder) {
        List<String> paths = new ArrayList<>();
        for (String name : index(folder + "index.txt")) {
            paths.add(folder + name);
        }
        return List.copyOf(paths);
    }

    private static List<String> index(String indexPath) {
        List<String> names = new ArrayList<>();
        for (String line : load(indexPath).split("\\R")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#") && !name.equalsIgnoreCase("README.md")) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("Empty fixture index " + ROOT + indexPath);
        }
        return names;
    }

    // ---------------------------------------------------------------- SNS envelope

    /**
     * Wraps {@code message} in an SNS {@code Notification} envelope as SQS receives it without raw
     * message delivery. If {@code message} is JSON it is re-serialised compactly (as SNS delivers
     * SES records); otherwise it is used verbatim.
     */
    public static String snsEnvelope(String message, String snsMessageId, Instant timestamp) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(snsMessageId, "snsMessageId");
        Objects.requireNonNull(timestamp, "timestamp");
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", snsMessageId);
        envelope.put("TopicArn", TOPIC_ARN);
        envelope.put("Subject", SNS_SUBJECT);
        envelope.put("Message", compactIfJson(message));
        envelope.put("Timestamp", sesTimestamp(timestamp));
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", "EXAMPLE");
        envelope.put("SigningCertURL", SIGNING_CERT_URL);
        envelope.put("UnsubscribeURL", UNSUBSCRIBE_URL);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise SNS envelope", e);
        }
    }

    /** Formats an instant the way SES does: {@code 2026-01-01T00:00:00.000Z}. */
    public static String sesTimestamp(Instant instant) {
        return SES_TIMESTAMP.format(instant);
    }

    private static String compactIfJson(String message) {
        try {
            JsonNode node = MAPPER.readTree(message);
            return node == null || node.isMissingNode() ? message : MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return message;
        }
    }

    static String escapeJson(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- builder

    /** Fluent binder for one fixture; every placeholder has a default so tests set only what they need. */
    public static final class Event {
        private final String path;
        private final Map<String, String> values = new LinkedHashMap<>();
        private Instant envelopeTimestamp = DEFAULT_TIMESTAMP;
        private final List<String[]> edits = new ArrayList<>();

        private Event(String path) {
            this.path = Objects.requireNonNull(path, "path");
            values.put("messageId", DEFAULT_MESSAGE_ID);
            values.put("recipient", DEFAULT_RECIPIENT);
            values.put("mailTimestamp", sesTimestamp(DEFAULT_TIMESTAMP));
            values.put("eventTimestamp", sesTimestamp(DEFAULT_TIMESTAMP));
            values.put("campaignId", "none");
            values.put("customerId", "none");
            values.put("userId", "0");
            values.put("reportType", "0");
            values.put("eventBridgeId", "EXAMPLE-7a3c9c4b-5d6e-4f70-8a91-b2c3d4e5f601");
        }

        public Event messageId(String messageId) {
            return with("messageId", messageId);
        }

        public Event recipient(String recipient) {
            return with("recipient", recipient);
        }

        public Event mailTimestamp(Instant timestamp) {
            return with("mailTimestamp", sesTimestamp(Objects.requireNonNull(timestamp, "timestamp")));
        }

        /** Raw string form, e.g. to inject an unparsable date. */
        public Event mailTimestamp(String timestamp) {
            return with("mailTimestamp", timestamp);
        }

        /** Sets the event's own timestamp (bounce/complaint/delivery/open/click/deliveryDelay/subscription) and the envelope Timestamp. */
        public Event eventTimestamp(Instant timestamp) {
            envelopeTimestamp = Objects.requireNonNull(timestamp, "timestamp");
            return with("eventTimestamp", sesTimestamp(timestamp));
        }

        /** Raw string form, e.g. to inject an unparsable date; the envelope Timestamp is left unchanged. */
        public Event eventTimestamp(String timestamp) {
            return with("eventTimestamp", timestamp);
        }

        public Event campaignId(String campaignId) {
            return with("campaignId", campaignId);
        }

        public Event customerId(String customerId) {
            return with("customerId", customerId);
        }

        public Event userId(String userId) {
            return with("userId", userId);
        }

        public Event reportType(String reportType) {
            return with("reportType", reportType);
        }

        public Event eventBridgeId(String id) {
            return with("eventBridgeId", id);
        }

        /**
         * Sets one string field of the SES record after the placeholders are bound, e.g. {@code ("open", "ipAddress")}
         * (for an {@code eventbridge/} fixture, inside its {@code detail}).
         */
        public Event field(String object, String name, String value) {
            edits.add(new String[]{object, name, value});
            return this;
        }

        /** Binds any placeholder, including ones added to fixtures later. */
        public Event with(String key, String value) {
            values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
            return this;
        }

        /** The raw SES record (what SNS carries in {@code Message}; the SQS body with raw message delivery). */
        public String raw() {
            String text = record(path, values);
            if (edits.isEmpty()) {
                return text;
            }
            try {
                ObjectNode root = (ObjectNode) MAPPER.readTree(text);
                ObjectNode record = path.startsWith("eventbridge/") ? (ObjectNode) root.get("detail") : root;
                for (String[] edit : edits) {
                    ((ObjectNode) record.get(edit[0])).put(edit[1], edit[2]);
                }
                return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            } catch (JsonProcessingException | ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException("Cannot edit " + ROOT + path + ": " + e, e);
            }
        }

        /**
         * The record wrapped as the EventBridge event SES puts on the default bus (what an SQS target of a rule
         * receives), built from this publishing record; {@code time} is the envelope timestamp.
         */
        public String inEventBridge(String id) {
            try {
                JsonNode record = MAPPER.readTree(raw());
                String type = record.has("eventType") ? record.get("eventType").asText() : record.get("notificationType").asText();
                ObjectNode event = MAPPER.createObjectNode();
                event.put("version", "0");
                event.put("id", id);
                event.put("detail-type", EVENTBRIDGE_DETAIL_TYPES.get(type));
                event.put("source", "aws.ses");
                event.put("account", "123456789012");
                event.put("time", sesTimestamp(envelopeTimestamp));
                event.put("region", "us-east-1");
                event.putArray("resources").add("arn:aws:ses:us-east-1:123456789012:configuration-set/ConfigSet");
                event.set("detail", record);
                return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(event);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot build the EventBridge event of " + path, e);
            }
        }

        /** The record wrapped in an SNS Notification envelope, as SQS receives it from an SNS subscription. */
        public String inSnsEnvelope(String snsMessageId) {
            return snsEnvelope(raw(), snsMessageId, envelopeTimestamp);
        }
    }
}
