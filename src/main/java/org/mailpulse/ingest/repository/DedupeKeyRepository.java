package org.mailpulse.ingest.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.ingest.DedupeConfig;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The deduplication keys of applied events ({@code ingest_dedupe}): an event is applied only by the batch that claims
 * its key. Keys are event identities ({@code ev:...}); keys stored before V8 (SNS MessageId, {@code raw:...}, marked
 * {@code pre_v8}) stay until pruned, and an event whose pre-V8 key is among them counts as applied.
 */
@ApplicationScoped
public class DedupeKeyRepository {

    /** An event's key and the key versions before V8 stored for it. */
    public record Keys(String key, String preV8Key) {
    }

    // The CTE inserts what is new; the outer query reads the table as it was before this statement, so it sees
    // pre-V8 rows and none of the rows (keys or copies) this statement writes.
    private static final String CLAIM = """
            WITH claimed AS (
                INSERT INTO ingest_dedupe (notification_id, pre_v8) SELECT unnest($1::text[]), false
                ON CONFLICT DO NOTHING RETURNING notification_id)
            SELECT c.notification_id FROM claimed c
            JOIN unnest($2::text[], $3::text[]) AS k(event_key, pre_v8_key) ON k.event_key = c.notification_id
            WHERE NOT EXISTS (SELECT 1 FROM ingest_dedupe d WHERE d.notification_id = k.pre_v8_key AND d.pre_v8)
            """;

    private static final String PRUNE = """
            DELETE FROM ingest_dedupe WHERE notification_id = ANY(ARRAY(
                SELECT notification_id FROM ingest_dedupe WHERE processed_at < now() - $1::bigint * interval '1 second'
                ORDER BY processed_at LIMIT $2))
            """;

    private final Pool pool;
    private final boolean writePreV8Keys;

    public DedupeKeyRepository(Pool pool, DedupeConfig config) {
        this.pool = pool;
        this.writePreV8Keys = config.writePreV8Keys();
    }

    /**
     * Claims the keys inside the caller's transaction and returns those not claimed before whose pre-V8 key is not
     * stored either (with {@code write-pre-v8-keys}, the pre-V8 keys are stored too, as copies). Everything is
     * inserted sorted, like every other write of a batch, so two batches sharing keys cannot deadlock. Keys must be
     * distinct.
     */
    public Uni<Set<String>> claim(SqlConnection connection, List<Keys> keys) {
        Stream<String> written = writePreV8Keys
                ? keys.stream().flatMap(k -> Stream.of(k.key(), k.preV8Key())).distinct()
                : keys.stream().map(Keys::key);
        return connection.preparedQuery(CLAIM).execute(Tuple.of(
                        written.sorted().toArray(String[]::new),
                        keys.stream().map(Keys::key).toArray(String[]::new),
                        keys.stream().map(Keys::preV8Key).toArray(String[]::new)))
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
