package org.mailpulse.suppression.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.suppression.Suppression;

import java.time.Instant;

@RegisterForReflection
public record SuppressionView(String email, String reason, String source, String detail, Instant createdAt, Instant updatedAt) {

    public static SuppressionView of(Suppression s) {
        return new SuppressionView(s.email, s.reason.code(), s.source.code(), s.detail, s.createdAt, s.updatedAt);
    }
}
