package org.mailpulse.unsubscribe.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.unsubscribe.UnsubscribeToken;

import java.util.UUID;

@ApplicationScoped
@WithSession
public class UnsubscribeTokenRepository implements PanacheRepositoryBase<UnsubscribeToken, UUID> {

    public Uni<UnsubscribeToken> findByHash(byte[] tokenHash) {
        return find("tokenHash", (Object) tokenHash).firstResult();
    }
}
