package org.mailpulse.suppression.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;
import org.mailpulse.suppression.SuppressionPolicy;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The suppression list's writes, each one set-based statement inside the caller's transaction. {@link #suppress}
 * is the one upsert of {@code suppression_list}: events, the API and the unsubscribe link all go through it.
 */
@ApplicationScoped
public class SuppressionWriter {

    public record Entry(String email, SuppressionReason reason, SuppressionSource source, String detail) {
    }

    public record SoftBounce(String email, Instant at, String notificationId) {
    }

    public record Delivery(String email, Instant at) {
    }

    /** What one upsert changed: rows inserted or strengthened, and the addresses that were not suppressed before. */
    public record Written(int changed, Set<String> created) {
    }

    // SuppressionPolicy.replaces as SQL: the conflict branch updates only for a strictly stronger reason.
    private static final String UPSERT = """
            INSERT INTO suppression_list (email, reason, reason_rank, source, detail)
            SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[])
            ON CONFLICT (email) DO UPDATE SET reason = EXCLUDED.reason, reason_rank = EXCLUDED.reason_rank,
                source = EXCLUDED.source, detail = EXCLUDED.detail, updated_at = now()
            WHERE suppression_list.reason_rank < EXCLUDED.reason_rank
            RETURNING email, xmax = 0 AS created
            """;

    private static final String RECORD_DELIVERIES = """
            INSERT INTO address_deliveries (email, last_delivery_at)
            SELECT * FROM unnest($1::text[], $2::timestamptz[])
            ON CONFLICT (email) DO UPDATE SET last_delivery_at = greatest(address_deliveries.last_delivery_at, EXCLUDED.last_delivery_at)
            """;

    private static final String RECORD_SOFT_BOUNCES = """
            INSERT INTO soft_bounces (email, bounced_at, notification_id)
            SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])
            ON CONFLICT DO NOTHING
            """;

    // For each address and the time of its latest soft bounce in this batch: the soft bounces within the window
    // before it and after the address's last delivery.
    private static final String SOFT_BOUNCES_IN_WINDOW = """
            SELECT v.email, (SELECT count(*) FROM soft_bounces b
                   WHERE b.email = v.email AND b.bounced_at <= v.at
                     AND b.bounced_at > greatest(v.at - $3::bigint * interval '1 second', coalesce(d.last_delivery_at, '-infinity'::timestamptz))) AS bounces
            FROM unnest($1::text[], $2::timestamptz[]) AS v(email, at)
            LEFT JOIN address_deliveries d ON d.email = v.email
            """;

    private static final String PRUNE_SOFT_BOUNCES = """
            DELETE FROM soft_bounces WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM soft_bounces WHERE bounced_at < now() - $1::bigint * interval '1 second' ORDER BY bounced_at LIMIT $2))
            """;

    private final Pool pool;

    public SuppressionWriter(Pool pool) {
        this.pool = pool;
    }

    /** Deletes up to {@code limit} soft-bounce records older than {@code age}, which no rule can count any more; returns how many. */
    public Uni<Integer> pruneSoftBouncesOlderThan(Duration age, int limit) {
        return pool.preparedQuery(PRUNE_SOFT_BOUNCES).execute(Tuple.of(age.toSeconds(), limit)).map(rows -> rows.rowCount());
    }

    /** Suppresses the addresses (one entry each), keeping a stronger reason where one is in force. */
    public Uni<Written> suppress(SqlConnection connection, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(new Written(0, Set.of()));
        }
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::email)).toList();
        return connection.preparedQuery(UPSERT).execute(Tuple.tuple(List.of(
                        Sql.texts(sorted, Entry::email), Sql.texts(sorted, e -> e.reason().code()),
                        sorted.stream().map(e -> (short) e.reason().strength()).toArray(Short[]::new),
                        Sql.texts(sorted, e -> e.source().code()), Sql.texts(sorted, Entry::detail))))
                .map(rows -> {
                    Set<String> created = new HashSet<>();
                    for (Row row : rows) {
                        if (row.getBoolean("created")) {
                            created.add(row.getString("email"));
                        }
                    }
                    return new Written(rows.rowCount(), created);
                });
    }

    public Uni<Void> recordDeliveries(SqlConnection connection, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Delivery> sorted = deliveries.stream().sorted(Comparator.comparing(Delivery::email)).toList();
        return connection.preparedQuery(RECORD_DELIVERIES)
                .execute(Tuple.of(Sql.texts(sorted, Delivery::email), Sql.times(sorted, Delivery::at)))
                .replaceWithVoid();
    }

    /**
     * Records transient bounces and returns the addresses whose bounces within the rule's window, with no delivery
     * in between, now reach its threshold. {@code latest} holds one entry per address: its latest bounce here.
     */
    public Uni<List<String>> recordSoftBounces(SqlConnection connection, List<SoftBounce> bounces, List<SoftBounce> latest,
                                               SuppressionPolicy.SoftBounceRule rule) {
        if (bounces.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(RECORD_SOFT_BOUNCES)
                .execute(Tuple.of(Sql.texts(bounces, SoftBounce::email), Sql.times(bounces, SoftBounce::at),
                        Sql.texts(bounces, SoftBounce::notificationId)))
                .chain(() -> connection.preparedQuery(SOFT_BOUNCES_IN_WINDOW).execute(Tuple.of(
                        Sql.texts(latest, SoftBounce::email), Sql.times(latest, SoftBounce::at), rule.window().toSeconds())))
                .map(rows -> {
                    List<String> reached = new ArrayList<>();
                    for (Row row : rows) {
                        if (rule.reached(row.getLong("bounces"))) {
                            reached.add(row.getString("email"));
                        }
                    }
                    return reached;
                });
    }
}
