package org.mailpulse.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.webhook.WebhookEndpoint;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The statements on {@code webhook_endpoints}; each is one round trip. */
@ApplicationScoped
public class WebhookEndpointRepository {

    private static final String COLUMNS = """
            endpoint_id, url, description, event_types, campaign_id, secret, previous_secret, previous_secret_expires_at,
            enabled, disabled_reason, consecutive_failures, created_at, updated_at""";

    private static final String INSERT = "INSERT INTO webhook_endpoints (endpoint_id, url, description, event_types, campaign_id, secret) "
            + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + COLUMNS;

    private static final String UPDATE = """
            UPDATE webhook_endpoints SET url = coalesce($2, url), description = coalesce($3, description),
                event_types = coalesce($4, event_types), campaign_id = coalesce($5, campaign_id), updated_at = now()
            WHERE endpoint_id = $1
            """ + "RETURNING " + COLUMNS;

    private static final String SET_ENABLED = """
            UPDATE webhook_endpoints SET enabled = $2, disabled_reason = CASE WHEN $2 THEN NULL ELSE $3 END,
                consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures END,
                failing_since = CASE WHEN $2 THEN NULL ELSE failing_since END, updated_at = now()
            WHERE endpoint_id = $1
            """ + "RETURNING " + COLUMNS;

    private static final String ROTATE = """
            UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = now() + $3::bigint * interval '1 millisecond',
                secret = $2, updated_at = now()
            WHERE endpoint_id = $1
            """ + "RETURNING " + COLUMNS;

    // Counts an attempt's outcome; the run of failures that reaches the limit disables the endpoint, once.
    // Counts a failed attempt; a run of at least $2 failures over at least $4 ms disables the endpoint, once.
    private static final String FAILED_ATTEMPT = """
            WITH before AS (SELECT endpoint_id, enabled FROM webhook_endpoints WHERE endpoint_id = $1 FOR UPDATE)
            UPDATE webhook_endpoints e SET consecutive_failures = e.consecutive_failures + 1,
                failing_since = coalesce(e.failing_since, now()),
                enabled = e.enabled AND NOT (e.consecutive_failures + 1 >= $2
                                             AND coalesce(e.failing_since, now()) <= now() - $4::bigint * interval '1 millisecond'),
                disabled_reason = CASE WHEN e.enabled AND e.consecutive_failures + 1 >= $2
                                            AND coalesce(e.failing_since, now()) <= now() - $4::bigint * interval '1 millisecond'
                                       THEN (e.consecutive_failures + 1) || ' failed attempts in a row; last: ' || $3
                                       ELSE e.disabled_reason END
            FROM before WHERE e.endpoint_id = before.endpoint_id
            RETURNING before.enabled AND NOT e.enabled AS disabled_now
            """;

    private static final String SUCCEEDED_ATTEMPT = """
            UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL WHERE endpoint_id = $1 AND consecutive_failures <> 0
            """;

    private final Pool pool;

    public WebhookEndpointRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<WebhookEndpoint> insert(UUID id, String url, String description, List<String> eventTypes, UUID campaignId, String secret) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.tuple(Arrays.asList(id, url, description, eventTypes.toArray(String[]::new), campaignId, secret)))
                .map(WebhookEndpointRepository::first);
    }

    public Uni<List<WebhookEndpoint>> list() {
        return pool.query("SELECT " + COLUMNS + " FROM webhook_endpoints ORDER BY created_at, endpoint_id").execute()
                .map(WebhookEndpointRepository::all);
    }

    public Uni<WebhookEndpoint> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE endpoint_id = $1").execute(Tuple.of(id))
                .map(WebhookEndpointRepository::first);
    }

    /** Changes the fields given (null: unchanged); null when there is no such endpoint. */
    public Uni<WebhookEndpoint> update(UUID id, String url, String description, List<String> eventTypes, UUID campaignId) {
        return pool.preparedQuery(UPDATE)
                .execute(Tuple.tuple(Arrays.asList(id, url, description, eventTypes == null ? null : eventTypes.toArray(String[]::new), campaignId)))
                .map(WebhookEndpointRepository::first);
    }

    public Uni<WebhookEndpoint> setEnabled(UUID id, boolean enabled, String reason) {
        return pool.preparedQuery(SET_ENABLED).execute(Tuple.of(id, enabled, reason)).map(WebhookEndpointRepository::first);
    }

    public Uni<WebhookEndpoint> rotate(UUID id, String secret, Duration overlap) {
        return pool.preparedQuery(ROTATE).execute(Tuple.of(id, secret, overlap.toMillis())).map(WebhookEndpointRepository::first);
    }

    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery("DELETE FROM webhook_endpoints WHERE endpoint_id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Records a failed attempt; emits true when this one disabled the endpoint. */
    public Uni<Boolean> failedAttempt(UUID id, int disableAfter, Duration failingFor, String lastError) {
        return pool.preparedQuery(FAILED_ATTEMPT).execute(Tuple.of(id, disableAfter, lastError, failingFor.toMillis()))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("disabled_now"));
    }

    public Uni<Void> succeededAttempt(UUID id) {
        return pool.preparedQuery(SUCCEEDED_ATTEMPT).execute(Tuple.of(id)).replaceWithVoid();
    }

    public Uni<Long> countDisabled() {
        return pool.query("SELECT count(*) FROM webhook_endpoints WHERE NOT enabled").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static WebhookEndpoint first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : endpoint(rows.iterator().next());
    }

    private static List<WebhookEndpoint> all(RowSet<Row> rows) {
        List<WebhookEndpoint> endpoints = new ArrayList<>(rows.size());
        rows.forEach(row -> endpoints.add(endpoint(row)));
        return endpoints;
    }

    private static WebhookEndpoint endpoint(Row row) {
        return new WebhookEndpoint(row.getUUID("endpoint_id"), row.getString("url"), row.getString("description"),
                List.of(row.getArrayOfStrings("event_types")), row.getUUID("campaign_id"), row.getString("secret"),
                row.getString("previous_secret"), instant(row.getOffsetDateTime("previous_secret_expires_at")),
                row.getBoolean("enabled"), row.getString("disabled_reason"), row.getInteger("consecutive_failures"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("updated_at")));
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
