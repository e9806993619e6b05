package org.mailpulse.unsubscribe.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionWriter;
import org.mailpulse.unsubscribe.repository.UnsubscribeTokenStore;

import java.time.Instant;
import java.util.List;

/**
 * The recipient's side of RFC 8058: looking a token up changes nothing (link scanners prefetch); using it
 * suppresses the address (through the one suppression upsert), marks the message UNSUBSCRIBED and records the
 * time, once, however often it is posted.
 */
@ApplicationScoped
public class UnsubscribeService {

    public enum State { VALID, USED, EXPIRED, UNKNOWN }

    public record Lookup(State state, String email) {
    }

    private final Pool pool;
    private final UnsubscribeTokenStore tokens;
    private final SuppressionWriter suppressions;

    public UnsubscribeService(Pool pool, UnsubscribeTokenStore tokens, SuppressionWriter suppressions) {
        this.pool = pool;
        this.tokens = tokens;
        this.suppressions = suppressions;
    }

    public Uni<Lookup> lookup(String token) {
        if (!UnsubscribeTokens.looksValid(token)) {
            return Uni.createFrom().item(new Lookup(State.UNKNOWN, null));
        }
        return tokens.find(UnsubscribeTokens.hash(token)).map(found -> {
            if (found.isEmpty()) {
                return new Lookup(State.UNKNOWN, null);
            }
            UnsubscribeTokenStore.Token stored = found.get();
            if (stored.expiresAt().isBefore(Instant.now())) {
                return new Lookup(State.EXPIRED, stored.email());
            }
            return new Lookup(stored.usedAt() == null ? State.VALID : State.USED, stored.email());
        });
    }

    /** Unsubscribes; answers the state the token was in (UNKNOWN and EXPIRED change nothing). */
    public Uni<Lookup> unsubscribe(String token) {
        return lookup(token).chain(found -> {
            if (found.state() == State.UNKNOWN || found.state() == State.EXPIRED) {
                return Uni.createFrom().item(found);
            }
            return pool.withTransaction(connection -> tokens.use(connection, UnsubscribeTokens.hash(token), MessageStatus.UNSUBSCRIBED)
                            .chain(email -> email.isEmpty() ? Uni.createFrom().voidItem()
                                    : suppressions.suppress(connection, List.of(new SuppressionWriter.Entry(email.get(),
                                            SuppressionReason.UNSUBSCRIBE, SuppressionSource.USER, "unsubscribe link"))).replaceWithVoid()))
                    .replaceWith(new Lookup(State.USED, found.email()));
        });
    }
}
