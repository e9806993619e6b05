package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The upkeep of the kept campaign counts (V11): folding the appended deltas into {@code campaign_counts}, and the
 * recount that corrects any drift. Both run on one replica at a time (transaction-scoped advisory locks).
 */
@ApplicationScoped
public class CampaignCountsRepository {

    private static final long FOLD_LOCK = 0x6d70_636f_756e_7401L;
    private static final long RECONCILE_LOCK = 0x6d70_636f_756e_7402L;

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked";

    // Deltas of a campaign that no longer exists are dropped with the rest.
    private static final String FOLD = """
            WITH taken AS (
                DELETE FROM campaign_count_deltas WHERE id = ANY(ARRAY(
                    SELECT id FROM campaign_count_deltas ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
                RETURNING campaign_id, counter, delta),
            folded AS (
                INSERT INTO campaign_counts AS k (campaign_id, counter, n)
                SELECT t.campaign_id, t.counter, sum(t.delta) FROM taken t
                WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.campaign_id = t.campaign_id)
                GROUP BY t.campaign_id, t.counter ORDER BY t.campaign_id, t.counter
                ON CONFLICT (campaign_id, counter) DO UPDATE SET n = k.n + EXCLUDED.n
                RETURNING 1)
            SELECT count(*) AS taken FROM taken
            """;

    // One statement, so the recount and the kept counts are read in one snapshot: the correction is exact however
    // many writers are busy. It is appended as a delta like any other change.
    private static final String RECONCILE = """
            WITH truth AS (
                SELECT r.campaign_id, k.counter, count(*) AS n
                FROM campaign_recipients r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at,
                        r.clicked_at, r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)
                GROUP BY r.campaign_id, k.counter),
            kept AS (
                SELECT campaign_id, counter, sum(n) AS n FROM (
                    SELECT campaign_id, counter, n FROM campaign_counts
                    UNION ALL SELECT campaign_id, counter, delta FROM campaign_count_deltas) x
                GROUP BY campaign_id, counter),
            drift AS (
                SELECT coalesce(t.campaign_id, k.campaign_id) AS campaign_id, coalesce(t.counter, k.counter) AS counter,
                       coalesce(t.n, 0) - coalesce(k.n, 0) AS delta
                FROM truth t FULL JOIN kept k ON k.campaign_id = t.campaign_id AND k.counter = t.counter),
            corrected AS (
                INSERT INTO campaign_count_deltas (campaign_id, counter, delta)
                SELECT d.campaign_id, d.counter, d.delta FROM drift d
                WHERE d.delta <> 0 AND EXISTS (SELECT 1 FROM campaigns c WHERE c.campaign_id = d.campaign_id)
                RETURNING delta)
            SELECT count(*) AS counters, coalesce(sum(abs(delta)), 0)::bigint AS drift FROM corrected
            """;

    /** What a reconciliation found: how many counters were off, and by how much in all; null if another replica ran it. */
    public record Drift(long counters, long total) {
    }

    private final Pool pool;

    public CampaignCountsRepository(Pool pool) {
        this.pool = pool;
    }

    /** Folds up to {@code limit} deltas; emits how many it took (0 when another replica is folding). */
    public Uni<Integer> fold(int limit) {
        return pool.withTransaction(connection -> connection.preparedQuery(TRY_LOCK).execute(Tuple.of(FOLD_LOCK))
                .chain(lock -> !lock.iterator().next().getBoolean("locked")
                        ? Uni.createFrom().item(0)
                        : connection.preparedQuery(FOLD).execute(Tuple.of(limit)).map(rows -> rows.iterator().next().getInteger("taken"))));
    }

    /** Recounts every campaign's messages and appends a correction for each counter that was off. */
    public Uni<Drift> reconcile() {
        return pool.withTransaction(connection -> connection.preparedQuery(TRY_LOCK).execute(Tuple.of(RECONCILE_LOCK))
                .chain(lock -> {
                    if (!lock.iterator().next().getBoolean("locked")) {
                        return Uni.createFrom().nullItem();
                    }
                    return connection.preparedQuery(RECONCILE).execute().map(rows -> {
                        Row row = rows.iterator().next();
                        return new Drift(row.getLong("counters"), row.getLong("drift"));
                    });
                }));
    }
}
