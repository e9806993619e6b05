package org.mailpulse.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;
import org.mailpulse.webhook.WebhookDelivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The statements on {@code webhook_deliveries} (and the outbox rows they send): claims, outcomes, replays, retention. */
@ApplicationScoped
public class WebhookDeliveryRepository {

    /** A claimed delivery with what its attempt needs; {@code previousSecret} only while it still signs. */
    public record Claimed(UUID id, UUID endpointId, int attempt, String url, String secret, String previousSecret, String body) {
    }

    // Due deliveries of enabled endpoints whose message has no earlier delivery pending to the same endpoint (order
    // per message), at most $4 per endpoint minus those this replica has in flight ($2, $3). The claim moves
    // next_attempt_at forward by the lease ($5 ms): if this replica dies, another takes the delivery after it.
    private static final String CLAIM = """
            WITH candidates AS (
                SELECT d.delivery_id, d.endpoint_id, d.next_attempt_at
                FROM webhook_deliveries d
                JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id AND e.enabled
                WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                  WHERE p.endpoint_id = d.endpoint_id AND p.subject = d.subject AND p.status = 'pending' AND p.seq < d.seq)
                ORDER BY d.next_attempt_at
                LIMIT $1
                FOR UPDATE OF d SKIP LOCKED
            ), due AS (
                SELECT c.delivery_id
                FROM (SELECT *, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at) AS n FROM candidates) c
                LEFT JOIN unnest($2::uuid[], $3::int[]) AS busy(endpoint_id, in_flight) ON busy.endpoint_id = c.endpoint_id
                WHERE c.n <= $4 - coalesce(busy.in_flight, 0)
            )
            UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + $5::bigint * interval '1 millisecond'
            FROM due, webhook_outbox o, webhook_endpoints e
            WHERE d.delivery_id = due.delivery_id AND o.seq = d.seq AND e.endpoint_id = d.endpoint_id
            RETURNING d.delivery_id, d.endpoint_id, d.attempts, e.url, e.secret,
                CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret, o.payload::text AS body
            """;

    private static final String DELIVERED = """
            UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), next_attempt_at = now(),
                last_status_code = $2, last_latency_ms = $3, last_error = NULL
            WHERE delivery_id = $1 AND status = 'pending'
            """;

    // Pending again after the back-off ($4 ms), or given up once it has been retried for the whole window ($5 ms).
    private static final String FAILED = """
            UPDATE webhook_deliveries SET last_status_code = $2, last_latency_ms = $3, last_error = $6,
                status = CASE WHEN retry_from + $5::bigint * interval '1 millisecond' < now() THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + $4::bigint * interval '1 millisecond'
            WHERE delivery_id = $1 AND status = 'pending'
            RETURNING status
            """;

    private static final String COLUMNS = """
            d.delivery_id, d.endpoint_id, d.seq, o.event_type, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,
            d.last_status_code, d.last_latency_ms, d.last_error, d.delivered_at, d.created_at""";

    private static final String RECENT = "SELECT " + COLUMNS + """
             FROM webhook_deliveries d JOIN webhook_outbox o ON o.seq = d.seq
            WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
            ORDER BY d.created_at DESC, d.seq DESC LIMIT $3
            """;

    private static final String REPLAY_ONE = """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), retry_from = now(), delivered_at = NULL
            WHERE endpoint_id = $1 AND delivery_id = $2
            """;

    private static final String REPLAY_SINCE = """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), retry_from = now(), delivered_at = NULL
            WHERE endpoint_id = $1 AND created_at >= $2
            """;

    private static final String OLDEST_PENDING = """
            SELECT extract(epoch FROM now() - min(d.created_at))::float8 AS age
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id AND e.enabled
            WHERE d.status = 'pending'
            """;

    private static final String PURGE_DELIVERIES = """
            DELETE FROM webhook_deliveries WHERE delivery_id IN (
                SELECT delivery_id FROM webhook_deliveries
                WHERE status <> 'pending' AND coalesce(delivered_at, last_attempt_at, created_at) < now() - $1::bigint * interval '1 millisecond'
                LIMIT $2)
            """;

    // Outbox rows nothing refers to any more (their deliveries purged, or their endpoints deleted).
    private static final String PURGE_OUTBOX = """
            DELETE FROM webhook_outbox WHERE seq IN (
                SELECT o.seq FROM webhook_outbox o
                WHERE o.created_at < now() - $1::bigint * interval '1 millisecond'
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.seq = o.seq)
                LIMIT $2)
            """;

    private final Pool pool;

    public WebhookDeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Claims up to {@code limit} due deliveries; {@code inFlight} is this replica's count per endpoint. */
    public Uni<List<Claimed>> claim(int limit, Map<UUID, Integer> inFlight, int perEndpoint, Duration lease) {
        UUID[] endpoints = inFlight.keySet().toArray(UUID[]::new);
        Integer[] counts = Arrays.stream(endpoints).map(inFlight::get).toArray(Integer[]::new);
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, endpoints, counts, perEndpoint, lease.toMillis()))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        claimed.add(new Claimed(row.getUUID("delivery_id"), row.getUUID("endpoint_id"), row.getInteger("attempts"),
                                row.getString("url"), row.getString("secret"), row.getString("previous_secret"), row.getString("body")));
                    }
                    return claimed;
                });
    }

    public Uni<Void> delivered(UUID id, int statusCode, long latencyMs) {
        return pool.preparedQuery(DELIVERED).execute(Tuple.of(id, statusCode, (int) latencyMs)).replaceWithVoid();
    }

    /** Records a failed attempt; emits true when the delivery was given up (retried for the whole window). */
    public Uni<Boolean> failed(UUID id, Integer statusCode, long latencyMs, String error, Duration backoff, Duration retryFor) {
        return pool.preparedQuery(FAILED)
                .execute(Tuple.tuple(Arrays.asList(id, statusCode, (int) latencyMs, backoff.toMillis(), retryFor.toMillis(), error)))
                .map(rows -> rows.size() > 0 && "failed".equals(rows.iterator().next().getString("status")));
    }

    public Uni<List<WebhookDelivery>> recent(UUID endpointId, String status, int limit) {
        return pool.preparedQuery(RECENT).execute(Tuple.of(endpointId, status, limit)).map(rows -> {
            List<WebhookDelivery> deliveries = new ArrayList<>(rows.size());
            for (Row row : rows) {
                deliveries.add(new WebhookDelivery(row.getUUID("delivery_id"), row.getUUID("endpoint_id"), row.getLong("seq"),
                        row.getString("event_type"), row.getString("status"), row.getInteger("attempts"),
                        WebhookEndpointRepository.instant(row.getOffsetDateTime("next_attempt_at")),
                        WebhookEndpointRepository.instant(row.getOffsetDateTime("last_attempt_at")),
                        row.getInteger("last_status_code"), row.getInteger("last_latency_ms"), row.getString("last_error"),
                        WebhookEndpointRepository.instant(row.getOffsetDateTime("delivered_at")),
                        WebhookEndpointRepository.instant(row.getOffsetDateTime("created_at"))));
            }
            return deliveries;
        });
    }

    /** Sends a delivery again (same webhook-id); false when the endpoint has no such delivery. */
    public Uni<Boolean> replay(UUID endpointId, UUID deliveryId) {
        return pool.preparedQuery(REPLAY_ONE).execute(Tuple.of(endpointId, deliveryId)).map(rows -> rows.rowCount() > 0);
    }

    /** Sends again every delivery of the endpoint created since {@code since}; emits how many. */
    public Uni<Integer> replaySince(UUID endpointId, Instant since) {
        return pool.preparedQuery(REPLAY_SINCE).execute(Tuple.of(endpointId, Sql.utc(since))).map(rows -> rows.rowCount());
    }

    /** Age in seconds of the oldest delivery still pending to an enabled endpoint; 0 when there is none. */
    public Uni<Double> oldestPendingSeconds() {
        return pool.query(OLDEST_PENDING).execute().map(rows -> {
            Double age = rows.iterator().next().getDouble("age");
            return age == null ? 0.0 : age;
        });
    }

    /** Deletes up to {@code limit} finished deliveries older than {@code age}; emits how many. */
    public Uni<Integer> purgeDeliveries(Duration age, int limit) {
        return pool.preparedQuery(PURGE_DELIVERIES).execute(Tuple.of(age.toMillis(), limit)).map(rows -> rows.rowCount());
    }

    /** Deletes up to {@code limit} outbox rows older than {@code age} that no delivery refers to; emits how many. */
    public Uni<Integer> purgeOutbox(Duration age, int limit) {
        return pool.preparedQuery(PURGE_OUTBOX).execute(Tuple.of(age.toMillis(), limit)).map(rows -> rows.rowCount());
    }
}
