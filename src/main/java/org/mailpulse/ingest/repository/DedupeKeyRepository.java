package org.mailpulse.ingest.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The deduplication keys of applied events ({@code ingest_dedupe}): an event is applied only by the batch that claims its key. */
@ApplicationScoped
public class DedupeKeyRepository {

    private static final String CLAIM = """
            INSERT INTO ingest_dedupe (notification_id) SELECT unnest($1::text[])
            ON CONFLICT DO NOTHING RETURNING notification_id
            """;

    private static final String PRUNE = """
            DELETE FROM ingest_dedupe WHERE notification_id = ANY(ARRAY(
                SELECT notification_id FROM ingest_dedupe WHERE processed_at < now() - $1::bigint * interval '1 second'
                ORDER BY processed_at LIMIT $2))
            """;

    private final Pool pool;

    public DedupeKeyRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims the keys inside the caller's transaction and returns those not claimed before. They are inserted sorted,
     * like every other write of a batch, so two batches sharing keys cannot deadlock.
     */
    public Uni<Set<String>> claim(SqlConnection connection, List<String> keys) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(keys.stream().sorted().toArray(String[]::new))).map(rows -> {
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
