package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ingest.repository.DedupeKeyRepository;
import org.mailpulse.suppression.repository.SuppressionWriter;

import java.util.function.IntFunction;

/**
 * Forgets deduplication keys and soft-bounce records once no redelivery or rule can need them. Deletes in small
 * slices so no long lock is held; running on several replicas at once is harmless.
 */
@ApplicationScoped
public class DedupeKeyPruner {

    private static final int SLICE = 5_000;

    private final DedupeKeyRepository dedupeKeys;
    private final SuppressionWriter suppressions;
    private final MailPulseConfig config;

    public DedupeKeyPruner(DedupeKeyRepository dedupeKeys, SuppressionWriter suppressions, MailPulseConfig config) {
        this.dedupeKeys = dedupeKeys;
        this.suppressions = suppressions;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        return prune(slice -> dedupeKeys.pruneOlderThan(config.ingest().dedupeRetention(), slice))
                .chain(keys -> prune(slice -> suppressions.pruneSoftBouncesOlderThan(config.suppression().softBounceWindow(), slice))
                        .invoke(bounces -> Log.debugf("Pruned %d dedupe keys and %d soft-bounce records", keys, bounces)))
                .replaceWithVoid();
    }

    /** Deletes slice by slice until a slice comes back short; returns the rows deleted. */
    private Uni<Long> prune(IntFunction<Uni<Integer>> slice) {
        return slice.apply(SLICE)
                .chain(deleted -> deleted < SLICE
                        ? Uni.createFrom().item((long) deleted)
                        : prune(slice).map(more -> more + deleted));
    }
}
