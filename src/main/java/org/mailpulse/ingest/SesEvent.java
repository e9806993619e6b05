package org.mailpulse.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One SES event record, parsed and validated.
 *
 * @param dedupeKey      SNS MessageId, or for raw records a digest of message id, type, time and recipients
 * @param recipients     the addresses this event concerns (bounced, complained, delivered, ...), lowercase
 * @param detail         the type-specific object (bounce, complaint, ...) or null where the type has none
 * @param record         the SES record as received, the text archived and reported
 * @param envelope       the SNS envelope fields, or null for raw delivery
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
        SnsEnvelope envelope) {

    public static final String TAG_CAMPAIGN = "mp_campaign";
    public static final String TAG_CUSTOMER = "mp_customer";

    public record SnsEnvelope(String type, String messageId, String subject, String timestamp) {
    }

    public boolean isPermanentBounce() {
        return type == SesEventType.BOUNCE && "Permanent".equals(detailText("bounceType"));
    }

    public boolean isTransientBounce() {
        return type == SesEventType.BOUNCE && !isPermanentBounce();
    }

    /** A complaint whose feedback type says the recipient does not consider the mail spam. */
    public boolean isNotSpamFeedback() {
        return type == SesEventType.COMPLAINT && "not-spam".equalsIgnoreCase(detailText("complaintFeedbackType"));
    }

    public boolean isUnsubscribeAll() {
        return type == SesEventType.SUBSCRIPTION && detail != null
                && detail.path("newTopicPreferences").path("unsubscribeAll").asBoolean(false);
    }

    /** The message status this event stands for, or null when it does not move the status (delay, topic change). */
    public MessageStatus impliedStatus() {
        if (isNotSpamFeedback()) {
            return null;
        }
        if (type == SesEventType.SUBSCRIPTION) {
            return isUnsubscribeAll() ? MessageStatus.UNSUBSCRIBED : null;
        }
        return type.baseStatus();
    }

    /** hard, soft, or null for other events. */
    public String bounceType() {
        if (type != SesEventType.BOUNCE) {
            return null;
        }
        return isPermanentBounce() ? "hard" : "soft";
    }

    /** A short human reason kept on the message, e.g. "Permanent/General: smtp; 550 5.1.1 user unknown". */
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
