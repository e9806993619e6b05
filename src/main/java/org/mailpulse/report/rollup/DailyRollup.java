package org.mailpulse.report.rollup;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Computes the daily rollups of one day (UTC) per campaign and per recipient domain from that day's history
 * rows (one monthly partition, so the cost follows the day's events, not the history) and that day's sends.
 * A day is recomputed whole in one transaction (delete, insert), so re-running it gives the same rows. Counts are
 * of distinct messages: an open counts once per message and day however often it was opened.
 */
@ApplicationScoped
public class DailyRollup {

    /** Serialises rollups across replicas; a second runner skips instead of waiting. */
    static final long LOCK = 0x6D61696C70756C73L; // "mailpuls"

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked";

    private static final String COUNTS = """
            WITH events AS (
                SELECT campaign_id, split_part(email, '@', 2) AS domain, ses_message_id, event_type, payload, status
                FROM email_events_op WHERE event_time >= $1::date AND event_time < $1::date + 1),
            sends AS (
                SELECT campaign_id, split_part(email, '@', 2) AS domain, ses_message_id FROM campaign_recipients
                WHERE sent_at >= $1::date AND sent_at < $1::date + 1),
            facts AS (
                SELECT campaign_id, domain, ses_message_id, 'sent' AS fact FROM sends
                UNION ALL
                SELECT campaign_id, domain, ses_message_id,
                       CASE event_type
                           WHEN 'delivery' THEN 'delivered'
                           WHEN 'bounce' THEN CASE WHEN payload->>'bounceType' = 'Permanent' THEN 'bounced_hard' ELSE 'bounced_soft' END
                           WHEN 'complaint' THEN CASE WHEN lower(coalesce(payload->>'complaintFeedbackType', '')) = 'not-spam' THEN NULL ELSE 'complained' END
                           WHEN 'open' THEN 'opened'
                           WHEN 'click' THEN 'clicked'
                           WHEN 'unsubscribe' THEN 'unsubscribed'
                           WHEN 'subscription' THEN CASE WHEN status = 'UNSUBSCRIBED' THEN 'unsubscribed' END
                       END
                FROM events)
            SELECT %s AS key,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'sent') AS sent,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'delivered') AS delivered,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'bounced_hard') AS bounced_hard,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'bounced_soft') AS bounced_soft,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'complained') AS complained,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'opened') AS unique_opens,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'clicked') AS unique_clicks,
                   count(DISTINCT ses_message_id) FILTER (WHERE fact = 'unsubscribed') AS unsubscribed
            FROM facts WHERE fact IS NOT NULL AND %s IS NOT NULL GROUP BY %s
            """;

    private static final String COLUMNS = "sent, delivered, bounced_hard, bounced_soft, complained, unique_opens, unique_clicks, unsubscribed";

    private final Pool pool;

    public DailyRollup(Pool pool) {
        this.pool = pool;
    }

    /** Rolls up the day, again if it was done before; false if another replica holds the rollup lock. */
    public Uni<Boolean> rollUp(LocalDate day) {
        return underLock(connection -> write(connection, day).replaceWith(true));
    }

    /**
     * Rolls up the day unless it is done already. The check runs under the lock, so that replicas whose schedules
     * fire together compute the day once: the one that waited sees the other's committed run and skips.
     */
    private Uni<Boolean> rollUpIfMissing(LocalDate day) {
        return underLock(connection -> connection.preparedQuery("SELECT 1 FROM report_rollup_run WHERE day = $1").execute(Tuple.of(day))
                .chain(done -> done.size() > 0 ? Uni.createFrom().item(false) : write(connection, day).replaceWith(true)));
    }

    private Uni<Boolean> underLock(Function<SqlConnection, Uni<Boolean>> work) {
        return pool.withTransaction(connection -> connection.preparedQuery(TRY_LOCK).execute(Tuple.of(LOCK)).chain(rows ->
                rows.iterator().next().getBoolean("locked") ? work.apply(connection) : Uni.createFrom().item(false)));
    }

    /** Every day after the last completed one up to {@code yesterday} (at most {@code maxDays} of them), oldest first. */
    public Uni<List<LocalDate>> catchUp(LocalDate yesterday, int maxDays) {
        return pool.preparedQuery("SELECT max(day) AS last FROM report_rollup_run").execute().chain(rows -> {
            LocalDate last = rows.iterator().next().getLocalDate("last");
            LocalDate from = last == null ? yesterday : last.plusDays(1);
            if (from.isBefore(yesterday.minusDays(maxDays - 1L))) {
                from = yesterday.minusDays(maxDays - 1L);
            }
            List<LocalDate> days = new ArrayList<>();
            for (LocalDate d = from; !d.isAfter(yesterday); d = d.plusDays(1)) {
                days.add(d);
            }
            return Multi.createFrom().iterable(days)
                    .onItem().transformToUniAndConcatenate(day -> rollUpIfMissing(day).invoke(done -> {
                        if (done) {
                            Log.infof("Daily rollup of %s done", day);
                        }
                    }))
                    .collect().asList()
                    .replaceWith(days);
        });
    }

    private Uni<Void> write(SqlConnection connection, LocalDate day) {
        String perCampaign = COUNTS.formatted("campaign_id", "campaign_id", "campaign_id");
        String perDomain = COUNTS.formatted("domain", "nullif(domain, '')", "domain");
        return connection.preparedQuery("DELETE FROM report_daily_campaign WHERE day = $1").execute(Tuple.of(day))
                .chain(() -> connection.preparedQuery("DELETE FROM report_daily_domain WHERE day = $1").execute(Tuple.of(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_daily_campaign (day, campaign_id, " + COLUMNS + ") "
                        + "SELECT $1::date, key, " + COLUMNS + " FROM (" + perCampaign + ") AS c").execute(Tuple.of(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_daily_domain (day, domain, " + COLUMNS + ") "
                        + "SELECT $1::date, key, " + COLUMNS + " FROM (" + perDomain + ") AS d").execute(Tuple.of(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_rollup_run (day) VALUES ($1) "
                        + "ON CONFLICT (day) DO UPDATE SET completed_at = now(), runs = report_rollup_run.runs + 1").execute(Tuple.of(day)))
                .replaceWithVoid();
    }
}
