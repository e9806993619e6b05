package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;

/**
 * Forgets deduplication keys and soft-bounce records once no redelivery or rule can need them. Deletes in small
 * slices so no long lock is held; running on several replicas at once is harmless.
 */
@ApplicationScoped
public class DedupeKeyPruner {

    private static final int SLICE = 5_000;

    private static final String PRUNE_KEYS = """
            DELETE FROM ingest_dedupe WHERE notification_id IN (
                SELECT notification_id FROM ingest_dedupe WHERE processed_at < now() - $1::bigint * interval '1 second' LIMIT $2)
            """;

    private static final String PRUNE_SOFT_BOUNCES = """
            DELETE FROM soft_bounces WHERE ctid IN (
                SELECT ctid FROM soft_bounces WHERE bounced_at < now() - $1::bigint * interval '1 second' LIMIT $2)
            """;

    private final Pool pool;
    private final MailPulseConfig config;

    public DedupeKeyPruner(Pool pool, MailPulseConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        return prune(PRUNE_KEYS, config.ingest().dedupeRetention().toSeconds())
                .chain(keys -> prune(PRUNE_SOFT_BOUNCES, config.suppression().softBounceWindow().toSeconds())
                        .invoke(bounces -> Log.debugf("Pruned %d dedupe keys and %d soft-bounce records", keys, bounces)))
                .replaceWithVoid();
    }

    /** Deletes slice by slice until a slice comes back short; returns the rows deleted. */
    private Uni<Long> prune(String sql, long olderThanSeconds) {
        return pool.preparedQuery(sql).execute(Tuple.of(olderThanSeconds, SLICE))
                .chain(rows -> rows.rowCount() < SLICE
                        ? Uni.createFrom().item((long) rows.rowCount())
                        : prune(sql, olderThanSeconds).map(more -> more + rows.rowCount()));
    }
}
