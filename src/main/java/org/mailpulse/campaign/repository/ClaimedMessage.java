package org.mailpulse.campaign.repository;

import java.util.UUID;

/** A message the sender holds (status SENDING) for one attempt. */
public record ClaimedMessage(UUID campaignId, UUID customerId, String email, String templateDataJson, int attemptCount,
                             UUID templateId) {
}
