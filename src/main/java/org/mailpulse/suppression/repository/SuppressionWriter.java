package org.mailpulse.suppression.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Set-based suppression writes used inside the ingestion transaction. */
@ApplicationScoped
public class SuppressionWriter {

    public record Entry(String email, SuppressionReason reason, SuppressionSource source, String detail) {
    }

    public record SoftBounce(String email, Instant at, String notificationId) {
    }

    public record Delivery(String email, Instant at) {
    }

    // A weaker reason never replaces a stronger one: the WHERE of the conflict branch compares strengths.
    private static final String UPSERT = """
            INSERT INTO suppression_list (email, reason, reason_rank, source, detail)
            SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[])
            ON CONFLICT (email) DO UPDATE SET reason = EXCLUDED.reason, reason_rank = EXCLUDED.reason_rank,
                source = EXCLUDED.source, detail = EXCLUDED.detail, updated_at = now()
            WHERE suppression_list.reason_rank < EXCLUDED.reason_rank
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
    private static final String OVER_SOFT_BOUNCE_LIMIT = """
            SELECT v.email FROM unnest($1::text[], $2::timestamptz[]) AS v(email, at)
            LEFT JOIN address_deliveries d ON d.email = v.email
            WHERE (SELECT count(*) FROM soft_bounces b
                   WHERE b.email = v.email AND b.bounced_at <= v.at
                     AND b.bounced_at > greatest(v.at - $3::bigint * interval '1 second', coalesce(d.last_delivery_at, '-infinity'::timestamptz))) >= $4
            """;

    public Uni<Integer> suppress(SqlConnection connection, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::email)).toList();
        return connection.preparedQuery(UPSERT).execute(Tuple.tuple(List.of(
                        Sql.texts(sorted, Entry::email), Sql.texts(sorted, e -> e.reason().code()),
                        sorted.stream().map(e -> (short) e.reason().strength()).toArray(Short[]::new),
                        Sql.texts(sorted, e -> e.source().code()), Sql.texts(sorted, Entry::detail))))
                .map(rows -> rows.rowCount());
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
     * Records transient bounces and returns the addresses that now have {@code threshold} of them within
     * {@code window} with no delivery in between. {@code latest} holds one entry per address: its latest bounce here.
     */
    public Uni<List<String>> recordSoftBounces(SqlConnection connection, List<SoftBounce> bounces, List<SoftBounce> latest,
                                               Duration window, int threshold) {
        if (bounces.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(RECORD_SOFT_BOUNCES)
                .execute(Tuple.of(Sql.texts(bounces, SoftBounce::email), Sql.times(bounces, SoftBounce::at),
                        Sql.texts(bounces, SoftBounce::notificationId)))
                .chain(() -> connection.preparedQuery(OVER_SOFT_BOUNCE_LIMIT).execute(Tuple.of(
                        Sql.texts(latest, SoftBounce::email), Sql.times(latest, SoftBounce::at),
                        window.toSeconds(),
                        threshold)))
                .map(rows -> {
                    List<String> over = new ArrayList<>();
                    for (Row row : rows) {
                        over.add(row.getString("email"));
                    }
                    return over;
                });
    }
}
