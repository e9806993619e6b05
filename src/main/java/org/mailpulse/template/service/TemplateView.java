package org.mailpulse.template.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.template.Template;

import java.time.Instant;
import java.util.UUID;

@RegisterForReflection
public record TemplateView(UUID id, String name, String provider, String providerTemplateName, String subject, String htmlBody,
                           String textBody, Integer weekOfMonth, int version, boolean active, Instant createdAt) {

    public static TemplateView of(Template t) {
        return new TemplateView(t.id, t.name, t.provider.code(), t.providerTemplateName, t.subject, t.htmlBody, t.textBody,
                t.weekOfMonth, t.version, t.active, t.createdAt);
    }
}
