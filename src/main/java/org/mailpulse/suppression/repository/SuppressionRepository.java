package org.mailpulse.suppression.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.suppression.Suppression;

@ApplicationScoped
@WithSession
public class SuppressionRepository implements PanacheRepositoryBase<Suppression, String> {
}
