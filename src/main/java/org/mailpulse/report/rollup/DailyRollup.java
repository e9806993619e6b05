package org.mailpulse.report.rollup;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.ses.event.SesEvent;

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
    public static final long LOCK = 0x6D61696C70756C73L; // "mailpuls"

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
                           WHEN 'bounce' THEN CASE WHEN payload->>'bounceType' = $2::text THEN 'bounced_hard' ELSE 'bounced_soft' END
                           WHEN 'complaint' THEN CASE WHEN lower(coalesce(payload->>'complaintFeedbackType', '')) = lower($3::text) THEN NULL ELSE 'complained' END
                           WHEN 'open' THEN 'opened'
                           WHEN 'click' THEN 'clicked'
                           WHEN 'unsubscribe' THEN 'unsubscribed'
                           WHEN 'subscription' THEN CASE WHEN status = $4::text THEN 'unsubscribed' END
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

    /** $1 yesterday, $2 the earliest day a catch-up reaches back to. */
    private static final String MISSING_DAYS = """
            SELECT d::date AS day
            FROM generate_series(greatest($2::date, coalesce((SELECT min(day) FROM report_rollup_run), $1::date)), $1::date,
                                 interval '1 day') AS d
            WHERE NOT EXISTS (SELECT 1 FROM report_rollup_run r WHERE r.day = d::date)
            ORDER BY d
            """;

    private static final String COLUMNS = "sent, delivered, bounced_hard, bounced_soft, complained, unique_opens, unique_clicks, unsubscribed";

    private final Pool pool;

    public DailyRollup(Pool pool) {
        this.pool = pool;
    }

    /** What a catch-up attempt at one day came to. */
    enum Outcome { COMPUTED, DONE_ALREADY, LOCKED_ELSEWHERE }

    /** Rolls up the day, again if it was done before; false if another replica holds the rollup lock. */
    public Uni<Boolean> rollUp(LocalDate day) {
        return underLock(connection -> write(connection, day).replaceWith(true), false);
    }

    /**
     * Rolls up the day unless it is done already. The check runs under the lock, so that replicas whose schedules
     * fire together compute the day once: the one that waited sees the other's committed run and skips.
     */
    private Uni<Outcome> rollUpIfMissing(LocalDate day) {
        return underLock(connection -> connection.preparedQuery("SELECT 1 FROM report_rollup_run WHERE day = $1").execute(Tuple.of(day))
                .chain(done -> done.size() > 0
                        ? Uni.createFrom().item(Outcome.DONE_ALREADY)
                        : write(connection, day).replaceWith(Outcome.COMPUTED)),
                Outcome.LOCKED_ELSEWHERE);
    }

    private <T> Uni<T> underLock(Function<SqlConnection, Uni<T>> work, T whenLocked) {
        return pool.withTransaction(connection -> connection.preparedQuery(TRY_LOCK).execute(Tuple.of(LOCK)).chain(rows ->
                rows.iterator().next().getBoolean("locked") ? work.apply(connection) : Uni.createFrom().item(whenLocked)));
    }

    /**
     * Rolls up every day without a completed rollup, oldest first, from the first day ever rolled up (yesterday on a
     * new installation) but at most {@code maxDays} back, up to {@code yesterday}; returns the days it found missing.
     * Gaps are looked for, not just the days after the newest run, so a day that an admin re-run overtook is still
     * filled in. The first day another replica holds the lock for ends this run: that replica carries on through the
     * same days, whereas two replicas that each stepped over the day the other had locked could both leave one out.
     */
    public Uni<List<LocalDate>> catchUp(LocalDate yesterday, int maxDays) {
        return pool.preparedQuery(MISSING_DAYS).execute(Tuple.of(yesterday, yesterday.minusDays(maxDays - 1L))).chain(rows -> {
            List<LocalDate> days = new ArrayList<>();
            rows.forEach(row -> days.add(row.getLocalDate("day")));
            return Multi.createFrom().iterable(days)
                    .onItem().transformToUniAndConcatenate(day -> rollUpIfMissing(day).invoke(outcome -> {
                        if (outcome == Outcome.COMPUTED) {
                            Log.infof("Daily rollup of %s done", day);
                        }
                    }))
                    .select().first(outcome -> outcome != Outcome.LOCKED_ELSEWHERE)
                    .collect().last()
                    .replaceWith(days);
        });
    }

    /**
     * The day and the vocabulary the counts classify by: a hard bounce is SES's permanent one, a complaint with
     * not-spam feedback counts as none, and a subscription event counts where the lifecycle made it UNSUBSCRIBED.
     */
    private static Tuple countsOf(LocalDate day) {
        return Tuple.of(day, SesEvent.PERMANENT_BOUNCE, SesEvent.NOT_SPAM_FEEDBACK, MessageStatus.UNSUBSCRIBED.name());
    }

    private Uni<Void> write(SqlConnection connection, LocalDate day) {
        String perCampaign = COUNTS.formatted("campaign_id", "campaign_id", "campaign_id");
        String perDomain = COUNTS.formatted("domain", "nullif(domain, '')", "domain");
        return connection.preparedQuery("DELETE FROM report_daily_campaign WHERE day = $1").execute(Tuple.of(day))
                .chain(() -> connection.preparedQuery("DELETE FROM report_daily_domain WHERE day = $1").execute(Tuple.of(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_daily_campaign (day, campaign_id, " + COLUMNS + ") "
                        + "SELECT $1::date, key, " + COLUMNS + " FROM (" + perCampaign + ") AS c").execute(countsOf(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_daily_domain (day, domain, " + COLUMNS + ") "
                        + "SELECT $1::date, key, " + COLUMNS + " FROM (" + perDomain + ") AS d").execute(countsOf(day)))
                .chain(() -> connection.preparedQuery("INSERT INTO report_rollup_run (day) VALUES ($1) "
                        + "ON CONFLICT (day) DO UPDATE SET completed_at = now(), runs = report_rollup_run.runs + 1").execute(Tuple.of(day)))
                .replaceWithVoid();
    }
}
