package org.mailpulse.webhook;

import java.time.Instant;
import java.util.UUID;

/** One delivery of an outbox row to one endpoint, with the outcome of its last attempt. */
public record WebhookDelivery(UUID id, UUID endpointId, long seq, String eventType, String status, int attempts,
                              Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, Integer lastLatencyMs,
                              String lastError, Instant deliveredAt, Instant createdAt) {
}
