package org.mailpulse.ingest.quarantine;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
@WithSession
public class QuarantineRepository implements PanacheRepositoryBase<QuarantinedInput, Long> {
}
