package org.mailpulse.report.rollup;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;

import java.time.LocalDate;
import java.time.ZoneOffset;

/** Rolls up every completed day that is not rolled up yet; one replica at a time (advisory lock in DailyRollup). */
@ApplicationScoped
public class DailyRollupJob {

    private final DailyRollup rollup;
    private final MailPulseConfig config;

    public DailyRollupJob(DailyRollup rollup, MailPulseConfig config) {
        this.rollup = rollup;
        this.config = config;
    }

    @Scheduled(cron = "${mailpulse.reports.rollup-cron:0 15 0 * * ?}", timeZone = "UTC", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        if (!config.reports().rollupEnabled()) {
            return Uni.createFrom().voidItem();
        }
        return rollup.catchUp(LocalDate.now(ZoneOffset.UTC).minusDays(1), config.reports().catchUpDays()).replaceWithVoid();
    }
}
