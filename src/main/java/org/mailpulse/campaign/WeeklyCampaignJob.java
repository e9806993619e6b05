package org.mailpulse.campaign;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.repository.CampaignStatusRepository;
import org.mailpulse.config.MailPulseConfig;

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

    private final Pool pool;
    private final CampaignStatusRepository campaigns;
    private final MailPulseConfig config;

    public WeeklyCampaignJob(Pool pool, CampaignStatusRepository campaigns, MailPulseConfig config) {
        this.pool = pool;
        this.campaigns = campaigns;
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
        return pool.withTransaction(connection -> campaigns.createWeekly(connection, day, week).chain(campaign -> campaign == null
                ? Uni.createFrom().<UUID>nullItem()
                : campaigns.enrolAll(connection, campaign)
                        .invoke(enrolled -> Log.infof("Weekly campaign %s for %s (week %d): %d recipients", campaign, day, week, enrolled))
                        .replaceWith(campaign)));
    }

    public static int weekOfMonth(LocalDate day) {
        return Math.min(4, (day.getDayOfMonth() - 1) / 7 + 1);
    }
}
