package org.mailpulse.campaign.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.campaign.Campaign;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/** A campaign; {@code recipients} counts its messages by status (the kept counts, every status present). */
@RegisterForReflection
public record CampaignView(UUID id, String name, UUID templateId, String status, Integer weekOfMonth, LocalDate generatedDate,
                           Instant scheduledAt, String pausedReason, String pausedCause, Instant createdAt, Instant updatedAt, Map<String, Long> recipients) {

    public static CampaignView of(Campaign c, Map<String, Long> recipients) {
        return new CampaignView(c.id, c.name, c.templateId, c.status.name().toLowerCase(), c.weekOfMonth, c.generatedDate,
                c.scheduledAt, c.pausedReason, c.pausedCause, c.createdAt, c.updatedAt, recipients);
    }
}
