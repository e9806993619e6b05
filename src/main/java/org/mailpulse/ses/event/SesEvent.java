package org.mailpulse.ses.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One SES event record, parsed and validated: what SES said, in SES's own terms. What an event means for a
 * message or an address is decided elsewhere (the message lifecycle, the suppression policy).
 *
 * @param dedupeKey      the event's identity ({@link EventIdentity}), the same whatever the wrapping and format
 * @param recipients     the addresses this event concerns (bounced, complained, delivered, ...), lowercase
 * @param detail         the type-specific object (bounce, complaint, ...) or null where the type has none
 * @param record         the SES record as received, the text archived and reported
 * @param envelope       what carried the record (SNS Notification or EventBridge event), or null for raw delivery
 */
public record SesEvent(
        String dedupeKey,
        SesEventType type,
        String sesMessageId,
        Instant eventTime,
        Instant mailTimestamp,
        List<String> recipients,
        String source,
        String subject,
        Map<String, String> headers,
        Map<String, String> tags,
        JsonNode detail,
        String record,
        Envelope envelope) {

    /** The SES message tag that carries the campaign id; set by the sender, read back from every event. */
    public static final String TAG_CAMPAIGN = "mp_campaign";
    /** The SES message tag that carries the customer id. */
    public static final String TAG_CUSTOMER = "mp_customer";

    /** {@code bounce.bounceType} of a bounce SES will not retry. */
    public static final String PERMANENT_BOUNCE = "Permanent";
    /** {@code complaint.complaintFeedbackType} of a recipient who says the mail is not spam (compared ignoring case). */
    public static final String NOT_SPAM_FEEDBACK = "not-spam";

    /**
     * The wrapping's own fields. SNS: {@code type} is the SNS Type ("Notification"), then its MessageId, Subject and
     * Timestamp. EventBridge: {@code type} is {@value #EVENTBRIDGE}, then the event's {@code id}, {@code detail-type}
     * and {@code time}.
     */
    public record Envelope(String type, String messageId, String subject, String timestamp) {

        public static final String EVENTBRIDGE = "EventBridge";

        public static Envelope eventBridge(String id, String detailType, String time) {
            return new Envelope(EVENTBRIDGE, id, detailType, time);
        }

        public boolean isSns() {
            return !EVENTBRIDGE.equals(type);
        }
    }

    public boolean isPermanentBounce() {
        return type == SesEventType.BOUNCE && PERMANENT_BOUNCE.equals(detailText("bounceType"));
    }

    /** A bounce of any other type (Transient, Undetermined): SES may deliver to the address later. */
    public boolean isTransientBounce() {
        return type == SesEventType.BOUNCE && !isPermanentBounce();
    }

    /** A complaint whose feedback type says the recipient does not consider the mail spam. */
    public boolean isNotSpamFeedback() {
        return type == SesEventType.COMPLAINT && NOT_SPAM_FEEDBACK.equalsIgnoreCase(detailText("complaintFeedbackType"));
    }

    /** A subscription event in which the recipient left every topic. */
    public boolean isUnsubscribeAll() {
        return type == SesEventType.SUBSCRIPTION && detail != null
                && detail.path("newTopicPreferences").path("unsubscribeAll").asBoolean(false);
    }

    /** A short human reason for what happened, e.g. "Permanent/General: smtp; 550 5.1.1 user unknown"; null for routine events. */
    public String statusReason() {
        return switch (type) {
            case BOUNCE -> {
                String diagnostic = detail.path("bouncedRecipients").path(0).path("diagnosticCode").asText("");
                yield detailText("bounceType") + "/" + detailText("bounceSubType") + (diagnostic.isEmpty() ? "" : ": " + diagnostic);
            }
            case COMPLAINT -> "complaint: " + (detailText("complaintFeedbackType").isEmpty() ? "unspecified" : detailText("complaintFeedbackType"));
            case REJECT -> "rejected: " + detailText("reason");
            case RENDERING_FAILURE -> "rendering failure: " + detailText("errorMessage");
            case SUBSCRIPTION -> "unsubscribed from all topics (" + detailText("source") + ")";
            default -> null;
        };
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String tag(String name) {
        return tags.get(name);
    }

    private String detailText(String field) {
        return detail == null ? "" : detail.path(field).asText("");
    }
}
