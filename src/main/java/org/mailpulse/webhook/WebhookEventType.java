package org.mailpulse.webhook;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an endpoint can subscribe to. The codes are the {@code type} of the payload and are written by the triggers
 * of V12: {@code message.<status>} for a message reaching that status, suppression added and lifted, a campaign's
 * status change, and an input put in quarantine.
 */
public enum WebhookEventType {
    MESSAGE_SENT("message.sent"),
    MESSAGE_DELIVERED("message.delivered"),
    MESSAGE_OPENED("message.opened"),
    MESSAGE_CLICKED("message.clicked"),
    MESSAGE_BOUNCED("message.bounced"),
    MESSAGE_COMPLAINED("message.complained"),
    MESSAGE_UNSUBSCRIBED("message.unsubscribed"),
    MESSAGE_REJECTED("message.rejected"),
    MESSAGE_FAILED("message.failed"),
    MESSAGE_SUPPRESSED("message.suppressed"),
    SUPPRESSION_ADDED("suppression.added"),
    SUPPRESSION_LIFTED("suppression.lifted"),
    CAMPAIGN_STATUS_CHANGED("campaign.status_changed"),
    QUARANTINE_ADDED("quarantine.added");

    private final String code;

    WebhookEventType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<WebhookEventType> fromCode(String code) {
        return Arrays.stream(values()).filter(type -> type.code.equals(code)).findFirst();
    }
}
