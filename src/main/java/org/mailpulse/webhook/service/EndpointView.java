package org.mailpulse.webhook.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.mailpulse.webhook.WebhookEndpoint;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An endpoint as the API shows it; {@code secret} only in the answer that generated it (creation, rotation). */
@RegisterForReflection
@Schema(name = "WebhookEndpoint")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointView(UUID id, String url, String description, List<String> eventTypes, UUID campaignId, boolean enabled,
                           String disabledReason, int consecutiveFailures,
                           @Schema(description = "Until then the previous secret signs too") Instant previousSecretExpiresAt,
                           Instant createdAt, Instant updatedAt,
                           @Schema(description = "The signing secret (whsec_<base64>), shown only once") String secret) {

    static EndpointView of(WebhookEndpoint endpoint) {
        return new EndpointView(endpoint.id(), endpoint.url(), endpoint.description(), endpoint.eventTypes(), endpoint.campaignId(),
                endpoint.enabled(), endpoint.disabledReason(), endpoint.consecutiveFailures(),
                endpoint.previousSecretExpiresAt() != null && endpoint.previousSecretExpiresAt().isAfter(Instant.now()) ? endpoint.previousSecretExpiresAt() : null,
                endpoint.createdAt(), endpoint.updatedAt(), null);
    }

    static EndpointView withSecret(WebhookEndpoint endpoint) {
        EndpointView view = of(endpoint);
        return new EndpointView(view.id, view.url, view.description, view.eventTypes, view.campaignId, view.enabled, view.disabledReason,
                view.consecutiveFailures, view.previousSecretExpiresAt, view.createdAt, view.updatedAt, endpoint.secret());
    }
}
