package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SES mailbox simulator: the event-publishing records ({@code eventType} format) SES would publish for an
 * accepted mail. One Send for the mail, then per recipient, in destination order: {@code success@}, {@code ooto@}
 * and any address outside the simulator domain are delivered; {@code bounce@} bounces (Permanent/General, 550
 * 5.1.1); {@code complaint@} is delivered then complained about (abuse); {@code suppressionlist@} bounces
 * (Permanent/OnAccountSuppressionList). {@code name+label@simulator.amazonses.com} behaves as {@code name@}.
 * Each event is {@link #STEP_MILLIS} after the one before.
 */
final class MailboxSimulator {

    static final String DOMAIN = "simulator.amazonses.com";
    static final long STEP_MILLIS = 5;
    static final String ACCOUNT_ID = "000000000000";
    static final String SNS_SUBJECT = "Amazon SES Email Event Notification";

    /** The detail-type of each record type on EventBridge (the types the simulator publishes). */
    private static final Map<String, String> EVENTBRIDGE_DETAIL_TYPES = Map.of(
            "Send", "Email Sent", "Delivery", "Email Delivered", "Bounce", "Email Bounced", "Complaint", "Email Complaint Received");

    private static final DateTimeFormatter SES_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    enum Outcome { DELIVERY, BOUNCE, COMPLAINT, SUPPRESSED }

    /** One record to publish: its type, time and JSON. */
    record Event(String eventType, Instant time, ObjectNode record) {
    }

    private final ObjectMapper json;

    MailboxSimulator(ObjectMapper json) {
        this.json = json;
    }

    /** What happens to mail for that address after Send. */
    static List<Outcome> outcomes(String address) {
        String bare = SentMail.matchKey(address);
        int at = bare.lastIndexOf('@');
        if (at < 0 || !bare.substring(at + 1).equals(DOMAIN)) {
            return List.of(Outcome.DELIVERY);
        }
        String local = bare.substring(0, at);
        int plus = local.indexOf('+');
        if (plus >= 0) {
            local = local.substring(0, plus);
        }
        return switch (local) {
            case "bounce" -> List.of(Outcome.BOUNCE);
            case "complaint" -> List.of(Outcome.DELIVERY, Outcome.COMPLAINT);
            case "suppressionlist" -> List.of(Outcome.SUPPRESSED);
            default -> List.of(Outcome.DELIVERY);
        };
    }

    List<Event> events(SentMail mail, String defaultConfigurationSet) {
        String configurationSet = mail.configurationSetName() != null ? mail.configurationSetName() : defaultConfigurationSet;
        Instant mailTime = mail.time();
        List<Event> events = new ArrayList<>();
        events.add(new Event("Send", mailTime, record("Send", mail, configurationSet, "send", json.createObjectNode())));
        long step = 0;
        for (String recipient : mail.recipients()) {
            String address = SentMail.bareAddress(recipient);
            for (Outcome outcome : outcomes(recipient)) {
                Instant time = mailTime.plusMillis(++step * STEP_MILLIS);
                events.add(switch (outcome) {
                    case DELIVERY -> new Event("Delivery", time,
                            record("Delivery", mail, configurationSet, "delivery", delivery(address, mailTime, time)));
                    case BOUNCE -> new Event("Bounce", time, record("Bounce", mail, configurationSet, "bounce",
                            bounce(address, time, "General", "smtp; 550 5.1.1 user unknown")));
                    case SUPPRESSED -> new Event("Bounce", time, record("Bounce", mail, configurationSet, "bounce",
                            bounce(address, time, "OnAccountSuppressionList",
                                    "Amazon SES did not send the message to this address because it is on the suppression list for your account.")));
                    case COMPLAINT -> new Event("Complaint", time,
                            record("Complaint", mail, configurationSet, "complaint", complaint(address, time)));
                });
            }
        }
        return events;
    }

    /** The SQS body of the event as the wrapping delivers it. */
    String body(Event event, EventWrapping wrapping, String topicArn, Instant now) {
        return switch (wrapping) {
            case SNS -> snsEnvelope(event, topicArn, now);
            case RAW -> write(event.record());
            case EVENTBRIDGE -> eventBridgeEvent(event, now);
        };
    }

    /** The EventBridge event SES puts on the default bus, as a rule's SQS target receives it. */
    String eventBridgeEvent(Event event, Instant now) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", java.util.UUID.randomUUID().toString());
        envelope.put("detail-type", EVENTBRIDGE_DETAIL_TYPES.get(event.eventType()));
        envelope.put("source", "aws.ses");
        envelope.put("account", ACCOUNT_ID);
        envelope.put("time", timestamp(now.isAfter(event.time()) ? now : event.time()));
        envelope.put("region", "us-east-1");
        String configurationSet = event.record().path("mail").path("tags").path("ses:configuration-set").path(0).asText();
        envelope.putArray("resources").add("arn:aws:ses:us-east-1:" + ACCOUNT_ID + ":configuration-set/" + configurationSet);
        envelope.set("detail", event.record());
        return write(envelope);
    }

    /** The SNS Notification an SES event destination of type SNS delivers to an SQS subscriber. */
    String snsEnvelope(Event event, String topicArn, Instant now) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", java.util.UUID.randomUUID().toString());
        envelope.put("TopicArn", topicArn);
        envelope.put("Subject", SNS_SUBJECT);
        envelope.put("Message", write(event.record()));
        envelope.put("Timestamp", timestamp(now.isAfter(event.time()) ? now : event.time()));
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", "SIMULATED");
        envelope.put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-simulated.pem");
        envelope.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":simulated");
        return write(envelope);
    }

    static String timestamp(Instant instant) {
        return SES_TIMESTAMP.format(instant);
    }

    private ObjectNode record(String eventType, SentMail mail, String configurationSet, String detailField, ObjectNode detail) {
        ObjectNode record = json.createObjectNode();
        record.put("eventType", eventType);
        record.set("mail", mailObject(mail, configurationSet, eventType));
        record.set(detailField, detail);
        return record;
    }

    private ObjectNode mailObject(SentMail mail, String configurationSet, String eventType) {
        String fromAddress = SentMail.bareAddress(mail.from());
        String fromDomain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
        ObjectNode object = json.createObjectNode();
        object.put("timestamp", timestamp(mail.time()));
        object.put("source", mail.from());
        object.put("sourceArn", "arn:aws:ses:us-east-1:" + ACCOUNT_ID + ":identity/" + fromDomain);
        object.put("sendingAccountId", ACCOUNT_ID);
        object.put("messageId", mail.messageId());
        strings(object.putArray("destination"), mail.recipients());
        object.put("headersTruncated", false);
        ArrayNode headers = object.putArray("headers");
        for (SentMail.Header header : mailHeaders(mail)) {
            headers.addObject().put("name", header.name()).put("value", header.value());
        }
        ObjectNode common = object.putObject("commonHeaders");
        strings(common.putArray("from"), List.of(mail.from()));
        common.put("date", DateTimeFormatter.RFC_1123_DATE_TIME.format(mail.time().atOffset(ZoneOffset.UTC)));
        if (!mail.to().isEmpty()) {
            strings(common.putArray("to"), mail.to());
        }
        if (!mail.cc().isEmpty()) {
            strings(common.putArray("cc"), mail.cc());
        }
        common.put("messageId", mail.messageId());
        if (mail.subject() != null) {
            common.put("subject", mail.subject());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("ses:configuration-set", configurationSet);
        tags.put("ses:source-ip", "127.0.0.1");
        tags.put("ses:from-domain", fromDomain);
        tags.put("ses:caller-identity", "local");
        if (eventType.equals("Delivery")) {
            tags.put("ses:outgoing-ip", "127.0.0.1");
        }
        tags.putAll(mail.tags());
        ObjectNode tagObject = object.putObject("tags");
        tags.forEach((name, value) -> tagObject.putArray(name).add(value));
        return object;
    }

    /** The headers SES reports: those of a raw message as they are, else the ones SES writes plus the request's. */
    private static List<SentMail.Header> mailHeaders(SentMail mail) {
        if (mail.rawMessage() != null) {
            return mail.headers();
        }
        List<SentMail.Header> headers = new ArrayList<>();
        headers.add(new SentMail.Header("From", mail.from()));
        if (!mail.to().isEmpty()) {
            headers.add(new SentMail.Header("To", String.join(", ", mail.to())));
        }
        if (!mail.cc().isEmpty()) {
            headers.add(new SentMail.Header("Cc", String.join(", ", mail.cc())));
        }
        if (mail.subject() != null) {
            headers.add(new SentMail.Header("Subject", mail.subject()));
        }
        headers.add(new SentMail.Header("MIME-Version", "1.0"));
        boolean text = mail.textBody() != null;
        boolean html = mail.htmlBody() != null || mail.templateName() != null;
        String contentType = text && html
                ? "multipart/alternative; boundary=\"----=_Part_0_" + Math.abs(mail.messageId().hashCode()) + "\""
                : text ? "text/plain; charset=UTF-8" : "text/html; charset=UTF-8";
        headers.add(new SentMail.Header("Content-Type", contentType));
        headers.addAll(mail.headers());
        return headers;
    }

    private ObjectNode delivery(String address, Instant mailTime, Instant time) {
        ObjectNode delivery = json.createObjectNode();
        delivery.put("timestamp", timestamp(time));
        delivery.put("processingTimeMillis", time.toEpochMilli() - mailTime.toEpochMilli());
        delivery.putArray("recipients").add(address);
        delivery.put("smtpResponse", "250 2.6.0 Message received");
        delivery.put("remoteMtaIp", "127.0.0.1");
        delivery.put("reportingMTA", "a8-70.smtp-out.amazonses.com");
        return delivery;
    }

    private ObjectNode bounce(String address, Instant time, String subType, String diagnosticCode) {
        ObjectNode bounce = json.createObjectNode();
        bounce.put("feedbackId", SesIds.messageId());
        bounce.put("bounceType", "Permanent");
        bounce.put("bounceSubType", subType);
        ObjectNode recipient = bounce.putArray("bouncedRecipients").addObject();
        recipient.put("emailAddress", address);
        recipient.put("action", "failed");
        recipient.put("status", "5.1.1");
        recipient.put("diagnosticCode", diagnosticCode);
        bounce.put("timestamp", timestamp(time));
        bounce.put("reportingMTA", "dns; amazonses.com");
        return bounce;
    }

    private ObjectNode complaint(String address, Instant time) {
        ObjectNode complaint = json.createObjectNode();
        complaint.put("feedbackId", SesIds.messageId());
        complaint.putArray("complainedRecipients").addObject().put("emailAddress", address);
        complaint.put("timestamp", timestamp(time));
        complaint.put("userAgent", "Amazon SES Mailbox Simulator");
        complaint.put("complaintFeedbackType", "abuse");
        complaint.put("arrivalDate", timestamp(time));
        return complaint;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
