package org.mailpulse.template.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public final class TemplateRequests {

    private TemplateRequests() {
    }

    /**
     * {@code ses}: SES renders its stored template {@code providerTemplateName} with the recipient's data.
     * {@code internal}: MailPulse renders {@code subject}, {@code htmlBody} and {@code textBody} (Mustache, the
     * syntax of SES templates: {@code Hello {{name}}}) with the recipient's data.
     */
    @Schema(name = "TemplateCreate")
    public record Create(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "ses|internal", message = "must be ses or internal") String provider,
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_-]+", message = "must be an SES template name (letters, digits, _ and -)") String providerTemplateName,
            @Size(max = 998) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String subject,
            @Size(max = 1_000_000) String htmlBody,
            @Size(max = 1_000_000) String textBody,
            @Min(1) @Max(4) Integer weekOfMonth,
            @Min(1) Integer version,
            Boolean active) {
    }
}
