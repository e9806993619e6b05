package org.mailpulse.template.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.template.Template;

import java.util.UUID;

@ApplicationScoped
@WithSession
public class TemplateRepository implements PanacheRepositoryBase<Template, UUID> {
}
