package org.mailpulse.suppression.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The state of the sync with the SES account-level suppression list: the outbox of changes still to be made at SES
 * ({@code ses_suppression_outbox}, filled by triggers on {@code suppression_list}) and the import's cursor and lease
 * ({@code ses_suppression_sync}).
 */
@ApplicationScoped
public class SesSyncRepository {

    /** A change still to be made at SES: {@code action} put (with the SES reason) or delete. */
    public record Pending(String email, String action, String sesReason, long version, int attempts) {

        public boolean isPut() {
            return "put".equals(action);
        }
    }

    /** A change that failed: tried again after {@code delay}. */
    public record Retry(String email, long version, Duration delay, String error) {
    }

    /** The import lease, if this run got it, and the cursor to start from (null before the first import). */
    public record ImportLease(boolean acquired, Instant cursor) {
    }

    private static final String SET_SWITCHES = """
            UPDATE ses_suppression_sync SET export_enabled = $1, lift_enabled = $2 WHERE id = 1
            """;

    // Claims due rows by pushing their next attempt past the lease: no transaction is held while SES is called,
    // and another replica skips them until the lease runs out (a worker that died leaves them to the next).
    private static final String CLAIM_DUE = """
            UPDATE ses_suppression_outbox o SET next_attempt_at = now() + $2::bigint * interval '1 millisecond'
            FROM (SELECT email FROM ses_suppression_outbox WHERE next_attempt_at <= now()
                  ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
            WHERE o.email = due.email
            RETURNING o.email, o.action, o.ses_reason, o.version, o.attempts
            """;

    // Only the version that was sent: a change made meanwhile stays to be sent.
    private static final String COMPLETE = """
            DELETE FROM ses_suppression_outbox o USING unnest($1::text[], $2::bigint[]) AS done(email, version)
            WHERE o.email = done.email AND o.version = done.version
            """;

    private static final String RESCHEDULE = """
            UPDATE ses_suppression_outbox o SET attempts = o.attempts + 1,
                next_attempt_at = now() + r.delay_ms * interval '1 millisecond', last_error = r.error
            FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[]) AS r(email, version, delay_ms, error)
            WHERE o.email = r.email AND o.version = r.version
            """;

    private static final String PENDING_COUNTS = """
            SELECT count(*) FILTER (WHERE action = 'put') AS puts, count(*) FILTER (WHERE action = 'delete') AS deletes
            FROM ses_suppression_outbox
            """;

    private static final String PENDING_DELETES = """
            SELECT email FROM ses_suppression_outbox WHERE action = 'delete' AND email = ANY($1::text[])
            """;

    private static final String TAKE_IMPORT_LEASE = """
            UPDATE ses_suppression_sync SET import_lease_owner = $1, import_lease_until = now() + $2::bigint * interval '1 millisecond'
            WHERE id = 1 AND (import_lease_until IS NULL OR import_lease_until < now() OR import_lease_owner = $1)
            RETURNING import_cursor
            """;

    private static final String RENEW_IMPORT_LEASE = """
            UPDATE ses_suppression_sync SET import_lease_until = now() + $2::bigint * interval '1 millisecond'
            WHERE id = 1 AND import_lease_owner = $1 AND import_lease_until >= now()
            """;

    private static final String FINISH_IMPORT = """
            UPDATE ses_suppression_sync SET import_cursor = greatest(import_cursor, $2::timestamptz), last_import_at = now(),
                import_lease_owner = NULL, import_lease_until = NULL
            WHERE id = 1 AND import_lease_owner = $1
            """;

    private static final String RELEASE_IMPORT = """
            UPDATE ses_suppression_sync SET import_lease_owner = NULL, import_lease_until = NULL
            WHERE id = 1 AND import_lease_owner = $1
            """;

    private final Pool pool;

    public SesSyncRepository(Pool pool) {
        this.pool = pool;
    }

    /** Tells the triggers which changes to queue: puts only with export on, deletes (lifts) with {@code lift} on. */
    public Uni<Void> setSwitches(boolean export, boolean lift) {
        return pool.preparedQuery(SET_SWITCHES).execute(Tuple.of(export, lift)).replaceWithVoid();
    }

    /** Up to {@code limit} due changes, claimed for {@code lease}. */
    public Uni<List<Pending>> claimDue(int limit, Duration lease) {
        return pool.preparedQuery(CLAIM_DUE).execute(Tuple.of(limit, lease.toMillis())).map(rows -> {
            List<Pending> claimed = new ArrayList<>();
            for (Row row : rows) {
                claimed.add(new Pending(row.getString("email"), row.getString("action"), row.getString("ses_reason"),
                        row.getLong("version"), row.getInteger("attempts")));
            }
            return claimed;
        });
    }

    /** Removes the changes that SES now has (unless they changed meanwhile). */
    public Uni<Void> complete(List<Pending> done) {
        if (done.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(COMPLETE).execute(Tuple.of(Sql.texts(done, Pending::email),
                done.stream().map(Pending::version).toArray(Long[]::new))).replaceWithVoid();
    }

    /** Counts a failed attempt on each change and puts off its next one. */
    public Uni<Void> reschedule(List<Retry> retries) {
        if (retries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(RESCHEDULE).execute(Tuple.of(Sql.texts(retries, Retry::email),
                        retries.stream().map(Retry::version).toArray(Long[]::new),
                        retries.stream().map(r -> r.delay().toMillis()).toArray(Long[]::new),
                        Sql.texts(retries, Retry::error)))
                .replaceWithVoid();
    }

    /** Changes still to be made at SES: puts, deletes. */
    public Uni<long[]> pendingCounts() {
        return pool.preparedQuery(PENDING_COUNTS).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new long[]{row.getLong("puts"), row.getLong("deletes")};
        });
    }

    /** Those of the addresses lifted in MailPulse whose deletion at SES is still pending: an import must skip them. */
    public Uni<Set<String>> pendingDeletes(SqlConnection connection, List<String> emails) {
        if (emails.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery(PENDING_DELETES).execute(Tuple.of(emails.toArray(String[]::new))).map(rows -> {
            Set<String> lifted = new HashSet<>();
            rows.forEach(row -> lifted.add(row.getString("email")));
            return lifted;
        });
    }

    /** Takes the import lease for {@code lease} unless another run holds it. */
    public Uni<ImportLease> takeImportLease(UUID owner, Duration lease) {
        return pool.preparedQuery(TAKE_IMPORT_LEASE).execute(Tuple.of(owner, lease.toMillis())).map(rows -> {
            if (rows.rowCount() == 0) {
                return new ImportLease(false, null);
            }
            var cursor = rows.iterator().next().getOffsetDateTime("import_cursor");
            return new ImportLease(true, cursor == null ? null : cursor.toInstant());
        });
    }

    /** Extends the lease inside the page's transaction; false if it ran out (another run may have it now). */
    public Uni<Boolean> renewImportLease(SqlConnection connection, UUID owner, Duration lease) {
        return connection.preparedQuery(RENEW_IMPORT_LEASE).execute(Tuple.of(owner, lease.toMillis())).map(rows -> rows.rowCount() == 1);
    }

    /** Moves the cursor to {@code latest} (never back) and frees the lease. */
    public Uni<Void> finishImport(UUID owner, Instant latest) {
        return pool.preparedQuery(FINISH_IMPORT).execute(Tuple.of(owner, latest == null ? null : Sql.utc(latest))).replaceWithVoid();
    }

    public Uni<Void> releaseImport(UUID owner) {
        return pool.preparedQuery(RELEASE_IMPORT).execute(Tuple.of(owner)).replaceWithVoid();
    }
}
