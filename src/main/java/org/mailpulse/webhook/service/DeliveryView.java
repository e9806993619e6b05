package org.mailpulse.webhook.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.mailpulse.webhook.WebhookDelivery;

import java.time.Instant;
import java.util.UUID;

@RegisterForReflection
@Schema(name = "WebhookDelivery")
public record DeliveryView(@Schema(description = "Sent as webhook-id on every attempt") UUID id, String eventType,
                           @Schema(enumeration = {"pending", "delivered", "failed"}) String status, int attempts,
                           Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, Integer lastLatencyMs,
                           String lastError, Instant deliveredAt, Instant createdAt) {

    static DeliveryView of(WebhookDelivery d) {
        return new DeliveryView(d.id(), d.eventType(), d.status(), d.attempts(), "pending".equals(d.status()) ? d.nextAttemptAt() : null,
                d.lastAttemptAt(), d.lastStatusCode(), d.lastLatencyMs(), d.lastError(), d.deliveredAt(), d.createdAt());
    }
}
