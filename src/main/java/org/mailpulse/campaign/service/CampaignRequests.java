package org.mailpulse.campaign.service;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public final class CampaignRequests {

    private CampaignRequests() {
    }

    /** {@code scheduledAt}: when sending may start (default: as soon as the campaign is queued). */
    @Schema(name = "CampaignCreate")
    public record Create(
            @NotBlank @Size(max = 200) String name,
            @NotNull UUID templateId,
            Instant scheduledAt,
            @Min(1) @Max(4) Integer weekOfMonth) {
    }

    /** {@code data}: the recipient's placeholder values ({@code {{name}}} in a template, TemplateData for SES). */
    public record Recipient(@NotBlank @Size(max = 254) String email, Map<String, Object> data) {
    }

    public record Enrol(@NotEmpty @Size(max = 10_000) List<@NotNull @Valid Recipient> recipients) {
    }
}
