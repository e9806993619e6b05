package org.mailpulse.webhook.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Request bodies of the webhook API. */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    @Schema(name = "WebhookEndpointCreate")
    public record Create(
            @Schema(description = "https:// URL (http:// only where mailpulse.webhooks.allow-http is set)", example = "https://crm.example.com/hooks/mailpulse")
            @NotBlank @Size(max = 2000) String url,
            @Schema(description = "Event types wanted, e.g. message.bounced, suppression.added, campaign.status_changed, quarantine.added")
            @NotEmpty @Size(max = 20) List<@NotBlank String> eventTypes,
            @Schema(description = "Only events of this campaign (suppression and quarantine events carry none and are then not sent)")
            UUID campaignId,
            @Size(max = 500) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String description) {
    }

    /** Absent fields stay as they are. */
    @Schema(name = "WebhookEndpointPatch")
    public record Patch(
            @Size(max = 2000) String url,
            @Size(min = 1, max = 20) List<@NotBlank String> eventTypes,
            UUID campaignId,
            @Size(max = 500) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String description) {
    }

    @Schema(name = "WebhookEndpointDisable")
    public record Disable(@Size(max = 500) String reason) {
    }

    @Schema(name = "WebhookSecretRotation")
    public record Rotate(
            @Schema(description = "How long the previous secret keeps signing, ISO-8601 (default mailpulse.webhooks.rotation-overlap)", example = "PT24H")
            java.time.Duration overlap) {
    }

    @Schema(name = "WebhookReplay")
    public record Replay(@Schema(description = "Send again every delivery created at or after this time") @NotNull Instant since) {
    }
}
