package org.mailpulse.customer.service;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the customer API. */
public final class CustomerRequests {

    private CustomerRequests() {
    }

    @Schema(name = "CustomerCreate")
    public record Create(
            @NotBlank @Email(regexp = "[^\\s<>\"]+@[^\\s<>\"]+\\.[^\\s<>\"]+") @Size(max = 254) String email,
            @Size(max = 200) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String name,
            @Size(max = 200) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String company,
            @Size(max = 2) @Pattern(regexp = "[A-Za-z]{2}", message = "must be a two-letter ISO 3166 code") String country) {
    }

    /** Absent fields stay as they are. */
    @Schema(name = "CustomerPatch")
    public record Patch(
            @Email(regexp = "[^\\s<>\"]+@[^\\s<>\"]+\\.[^\\s<>\"]+") @Size(max = 254) String email,
            @Size(max = 200) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String name,
            @Size(max = 200) @Pattern(regexp = "[^\\r\\n]*", message = "must not contain line breaks") String company,
            @Size(max = 2) @Pattern(regexp = "[A-Za-z]{2}", message = "must be a two-letter ISO 3166 code") String country,
            Boolean active) {
    }
}
