package org.mailpulse.campaign;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.message.MessageStatus;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Generates the campaign of the current week of month (days 1–7 are week 1, 8–14 week 2, 15–21 week 3, 22 and
 * later week 4) from that week's active template (highest version) for every active, non-suppressed customer,
 * and queues it to send from the start of that day (UTC). The unique (generated_date, week_of_month) index makes a second run on the same day — on this
 * replica or another — create nothing.
 */
@ApplicationScoped
public class WeeklyCampaignJob {

    private static final String CREATE = """
            INSERT INTO campaigns (campaign_id, campaign_name, week_of_month, generated_date, template_id, status, scheduled_at)
            SELECT gen_random_uuid(), 'Weekly ' || $1::date || ' (week ' || $2::int || ')', $2::int, $1::date, t.template_id, 'queued',
                   ($1::date)::timestamp AT TIME ZONE 'UTC'
            FROM templates t WHERE t.is_active AND t.week_of_month = $2::int
            ORDER BY t.version DESC, t.created_at DESC LIMIT 1
            ON CONFLICT (generated_date, week_of_month) WHERE generated_date IS NOT NULL DO NOTHING
            RETURNING campaign_id
            """;

    private static final String ENROL_ALL = """
            INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, template_data)
            SELECT $1::uuid, c.customer_id, c.email, $2, $3::smallint,
                   jsonb_strip_nulls(jsonb_build_object('name', c.name, 'company', c.company, 'country', c.country))
            FROM customers c
            WHERE c.is_active AND NOT EXISTS (SELECT 1 FROM suppression_list s WHERE s.email = c.email)
            """;

    private final Pool pool;
    private final MailPulseConfig config;

    public WeeklyCampaignJob(Pool pool, MailPulseConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(cron = "${mailpulse.weekly.cron:0 0 6 * * ?}", timeZone = "UTC", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        if (!config.weekly().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return generate(LocalDate.now(ZoneOffset.UTC)).replaceWithVoid();
    }

    /** The campaign created for that day, or null if it existed already or no active template covers that week. */
    public Uni<UUID> generate(LocalDate day) {
        int week = weekOfMonth(day);
        return pool.withTransaction(connection -> connection.preparedQuery(CREATE).execute(Tuple.of(day, week)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().nullItem();
            }
            UUID campaign = rows.iterator().next().getUUID("campaign_id");
            return connection.preparedQuery(ENROL_ALL)
                    .execute(Tuple.of(campaign, MessageStatus.READY_TO_SEND.name(), MessageStatus.READY_TO_SEND.rank()))
                    .invoke(enrolled -> Log.infof("Weekly campaign %s for %s (week %d): %d recipients", campaign, day, week, enrolled.rowCount()))
                    .replaceWith(campaign);
        }));
    }

    public static int weekOfMonth(LocalDate day) {
        return Math.min(4, (day.getDayOfMonth() - 1) / 7 + 1);
    }
}
