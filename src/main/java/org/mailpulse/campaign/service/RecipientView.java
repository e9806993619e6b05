package org.mailpulse.campaign.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.message.CampaignRecipient;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

@RegisterForReflection
public record RecipientView(UUID customerId, String email, String status, String statusReason, String sesMessageId,
                            int attemptCount, Instant lastAttemptAt, Instant sentAt, Map<String, Object> templateData) {

    public static RecipientView of(CampaignRecipient r) {
        return new RecipientView(r.customerId, r.email, r.status.name(), r.statusReason, r.sesMessageId, r.attemptCount,
                r.lastAttemptAt, r.sentAt, r.templateData);
    }
}
