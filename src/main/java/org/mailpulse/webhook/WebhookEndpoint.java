package org.mailpulse.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A subscriber's endpoint as stored; the secrets never leave through the API except once, when generated. */
public record WebhookEndpoint(UUID id, String url, String description, List<String> eventTypes, UUID campaignId,
                              String secret, String previousSecret, Instant previousSecretExpiresAt,
                              boolean enabled, String disabledReason, int consecutiveFailures,
                              Instant createdAt, Instant updatedAt) {
}
