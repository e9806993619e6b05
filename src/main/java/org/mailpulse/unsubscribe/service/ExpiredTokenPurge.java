package org.mailpulse.unsubscribe.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.unsubscribe.repository.UnsubscribeTokenStore;

/**
 * Deletes unsubscribe tokens past their expiry (their links answer as unknown from then on), slice by slice so no
 * long lock is held; running on several replicas at once is harmless.
 */
@ApplicationScoped
public class ExpiredTokenPurge {

    static final int SLICE = 5_000;

    private final UnsubscribeTokenStore tokens;

    public ExpiredTokenPurge(UnsubscribeTokenStore tokens) {
        this.tokens = tokens;
    }

    @Scheduled(every = "1h", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purge().invoke(deleted -> Log.debugf("Purged %d expired unsubscribe tokens", deleted)).replaceWithVoid();
    }

    /** Deletes every expired token; emits how many. */
    public Uni<Long> purge() {
        return tokens.deleteExpired(SLICE).chain(deleted -> deleted < SLICE
                ? Uni.createFrom().item((long) deleted)
                : purge().map(more -> more + deleted));
    }
}
