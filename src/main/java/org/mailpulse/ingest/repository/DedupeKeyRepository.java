package org.mailpulse.ingest.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The deduplication keys of applied events ({@code ingest_dedupe}): an event is applied only by the batch that claims
 * its key. Keys are event identities ({@code ev:...}); keys of the format before V8 (SNS MessageId, {@code raw:...})
 * stay until pruned, and an event whose legacy key is among them counts as applied.
 */
@ApplicationScoped
public class DedupeKeyRepository {

    /** An event's key and the key versions before V8 stored for it. */
    public record Keys(String key, String legacyKey) {
    }

    // The CTE inserts what is new; the outer query reads the table as it was before this statement, which is all
    // that matters for legacy keys: nothing writes them any more.
    private static final String CLAIM = """
            WITH claimed AS (
                INSERT INTO ingest_dedupe (notification_id) SELECT unnest($1::text[])
                ON CONFLICT DO NOTHING RETURNING notification_id)
            SELECT c.notification_id FROM claimed c
            JOIN unnest($1::text[], $2::text[]) AS k(event_key, legacy_key) ON k.event_key = c.notification_id
            WHERE NOT EXISTS (SELECT 1 FROM ingest_dedupe d WHERE d.notification_id = k.legacy_key)
            """;

    private static final String PRUNE = """
            DELETE FROM ingest_dedupe WHERE notification_id IN (
                SELECT notification_id FROM ingest_dedupe WHERE processed_at < now() - $1::bigint * interval '1 second' LIMIT $2)
            """;

    private final Pool pool;

    public DedupeKeyRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims the keys inside the caller's transaction and returns those not claimed before and whose legacy key is
     * not stored either. They are inserted sorted, like every other write of a batch, so two batches sharing keys
     * cannot deadlock. Keys must be distinct.
     */
    public Uni<Set<String>> claim(SqlConnection connection, List<Keys> keys) {
        List<Keys> sorted = keys.stream().sorted(Comparator.comparing(Keys::key)).toList();
        return connection.preparedQuery(CLAIM).execute(Tuple.of(
                        sorted.stream().map(Keys::key).toArray(String[]::new),
                        sorted.stream().map(Keys::legacyKey).toArray(String[]::new)))
                .map(rows -> {
                    Set<String> fresh = new HashSet<>();
                    rows.forEach(row -> fresh.add(row.getString(0)));
                    return fresh;
                });
    }

    /** Deletes up to {@code limit} keys older than {@code age}; returns how many. */
    public Uni<Integer> pruneOlderThan(Duration age, int limit) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(age.toSeconds(), limit)).map(rows -> rows.rowCount());
    }
}
