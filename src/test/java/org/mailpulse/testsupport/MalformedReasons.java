package org.mailpulse.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** The quarantine reason each fixture of {@code ses-events/malformed/} must get (the reason starts with it). */
public final class MalformedReasons {

    public static final Map<String, String> BY_FIXTURE;

    static {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("01-empty-body.txt", "empty body");
        r.put("02-whitespace-only.txt", "empty body");
        r.put("03-plain-text.txt", "body is not JSON: Unrecognized token 'Hello'");
        r.put("04-truncated-json.txt", "body is not JSON: Unexpected end-of-input");
        r.put("05-json-array.txt", "body is not a JSON object");
        r.put("06-json-number.txt", "body is not a JSON object");
        r.put("07-json-string.txt", "body is not a JSON object");
        r.put("08-json-null.txt", "body is not a JSON object");
        r.put("09-no-type-fields.txt", "neither an SNS envelope nor an SES record");
        r.put("10-unknown-event-type.txt", "unknown SES event type 'Teleport'");
        r.put("11-unknown-sns-type.txt", "unknown SNS Type 'Bogus'");
        r.put("12-sns-message-not-json.txt", "SNS Message is not JSON: Unrecognized token 'Bounce'");
        r.put("13-sns-message-json-number.txt", "SNS Message is not a JSON object");
        r.put("14-sns-no-message.txt", "SNS Notification has no Message");
        r.put("15-sns-message-is-object.txt", "SNS Message is not a string");
        r.put("16-event-without-mail.txt", "Bounce record has no mail object");
        r.put("17-mail-messageid-missing.txt", "Bounce record has no mail.messageId");
        r.put("18-mail-messageid-empty.txt", "Bounce record has no mail.messageId");
        r.put("19-mail-messageid-number.txt", "Bounce record has no mail.messageId");
        r.put("20-mail-is-string.txt", "Bounce record has no mail object");
        r.put("21-bounce-without-bounce-object.txt", "Bounce record has no bounce object");
        r.put("22-complaint-recipients-string.txt", "Complaint record: complaint.complainedRecipients is not an array");
        r.put("23-click-timestamp-not-a-date.txt", "Click record: click.timestamp is not an ISO-8601 time: 'not-a-date'");
        r.put("24-deeply-nested-arrays.txt", "body is not JSON: Document nesting depth (1001) exceeds the maximum allowed");
        r.put("25-event-type-number.txt", "SES event type is not a string");
        r.put("26-huge-string-no-event.txt", "neither an SNS envelope nor an SES record");
        r.put("27-json-boolean.txt", "body is not a JSON object");
        r.put("28-sns-message-null.txt", "SNS Notification has no Message");
        r.put("29-sns-wrapped-event-without-mail.txt", "Bounce record has no mail object");
        r.put("30-unknown-notification-type.txt", "unknown SES event type 'Teleport'");
        r.put("31-event-type-empty.txt", "unknown SES event type ''");
        r.put("32-bounced-recipients-object.txt", "Bounce record: bounce.bouncedRecipients is not an array");
        r.put("33-duplicate-event-type-key.txt", "body is not JSON: Duplicate field 'eventType'");
        r.put("34-trailing-content.txt", "body is not JSON: Trailing token");
        r.put("35-eventbridge-wrong-source.txt", "EventBridge event source 'aws.sns' is not aws.ses");
        r.put("36-eventbridge-no-source.txt", "EventBridge event has no source");
        r.put("37-eventbridge-detail-not-object.txt", "EventBridge detail is not an object");
        r.put("38-eventbridge-no-detail.txt", "EventBridge event has no detail");
        r.put("39-eventbridge-unknown-detail-type.txt", "unknown EventBridge detail-type 'Sending Status Disabled'");
        r.put("40-eventbridge-detail-type-mismatch.txt", "EventBridge detail-type 'Email Delivered' does not match the record's type 'Bounce'");
        r.put("41-eventbridge-detail-not-ses-record.txt", "EventBridge detail is not an SES record (no eventType)");
        r.put("42-eventbridge-detail-type-number.txt", "EventBridge detail-type is not a string");
        r.put("43-eventbridge-detail-without-mail.txt", "Bounce record has no mail object");
        BY_FIXTURE = Map.copyOf(r);
    }

    private MalformedReasons() {
    }
}
