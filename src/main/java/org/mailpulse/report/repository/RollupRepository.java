package org.mailpulse.report.repository;

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

/**
 * The statements of the daily rollups: the rollup lock, the days without a completed run and the recomputation of
 * one day from that day's history rows and sends. Statements of one transaction take its connection.
 */
@ApplicationScoped
public class RollupRepository {

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

    public RollupRepository(Pool pool) {
        this.pool = pool;
    }

    /** Takes the transaction-scoped advisory lock {@code lock} if it is free; false if another transaction holds it. */
    public Uni<Boolean> tryLock(SqlConnection connection, long lock) {
        return connection.preparedQuery(TRY_LOCK).execute(Tuple.of(lock)).map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    /** The days from {@code earliest} (or the first day ever rolled up, if later) to {@code yesterday} without a completed rollup, oldest first. */
    public Uni<List<LocalDate>> missingDays(LocalDate yesterday, LocalDate earliest) {
        return pool.preparedQuery(MISSING_DAYS).execute(Tuple.of(yesterday, earliest)).map(rows -> {
            List<LocalDate> days = new ArrayList<>();
            rows.forEach(row -> days.add(row.getLocalDate("day")));
            return days;
        });
    }

    /** Whether the day has a completed rollup. */
    public Uni<Boolean> isDone(SqlConnection connection, LocalDate day) {
        return connection.preparedQuery("SELECT 1 FROM report_rollup_run WHERE day = $1").execute(Tuple.of(day)).map(done -> done.size() > 0);
    }

    /**
     * The day and the vocabulary the counts classify by: a hard bounce is SES's permanent one, a complaint with
     * not-spam feedback counts as none, and a subscription event counts where the lifecycle made it UNSUBSCRIBED.
     */
    private static Tuple countsOf(LocalDate day) {
        return Tuple.of(day, SesEvent.PERMANENT_BOUNCE, SesEvent.NOT_SPAM_FEEDBACK, MessageStatus.UNSUBSCRIBED.name());
    }

    /** Recomputes the day's rollup rows and records the run. */
    public Uni<Void> write(SqlConnection connection, LocalDate day) {
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
