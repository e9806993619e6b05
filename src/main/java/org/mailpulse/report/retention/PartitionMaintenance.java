package org.mailpulse.report.retention;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.report.repository.PartitionRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the monthly partitions of the per-event tables: creates the coming months' partitions ahead of time,
 * drops whole partitions once all their rows are past retention (no row-by-row DELETE, no bloat, a brief lock),
 * and trims the default partition, which only catches events outside the prepared months. Deduplication is
 * unaffected: its keys live in the unpartitioned ingest_dedupe table.
 */
@ApplicationScoped
public class PartitionMaintenance {

    /** Rows the default partition loses per statement. */
    private static final int TRIM_SLICE = 5000;

    private final PartitionRepository partitions;
    private final MailPulseConfig.Retention config;

    public PartitionMaintenance(PartitionRepository partitions, MailPulseConfig config) {
        this.partitions = partitions;
        this.config = config.retention();
    }

    @Scheduled(cron = "${mailpulse.retention.cron:0 30 1 * * ?}", timeZone = "UTC", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run(Instant.now()).replaceWithVoid();
    }

    /** Returns the partitions it dropped. */
    public Uni<List<String>> run(Instant now) {
        List<String> dropped = new ArrayList<>();
        return maintain("email_events_op", now.minus(config.operationalEvents()), dropped)
                .chain(() -> maintain("ses_report_detail", now.minus(config.reportDetails()), dropped))
                .invoke(() -> {
                    if (!dropped.isEmpty()) {
                        Log.infof("Retention dropped partitions %s", dropped);
                    }
                })
                .replaceWith(dropped);
    }

    private Uni<Void> maintain(String table, Instant cutoff, List<String> dropped) {
        return partitions.ensureComingMonths(table)
                .chain(() -> partitions.expired(table, cutoff))
                .chain(names -> Multi.createFrom().iterable(names)
                        .onItem().transformToUniAndConcatenate(name -> partitions.drop(name).invoke(() -> dropped.add(name)))
                        .collect().asList())
                .chain(() -> trimDefault(table + "_default", cutoff))
                .replaceWithVoid();
    }

    /** Deletes old rows of the default partition in slices, so no statement holds locks for long. */
    private Uni<Void> trimDefault(String partition, Instant cutoff) {
        return partitions.deleteOlder(partition, cutoff, TRIM_SLICE)
                .chain(deleted -> deleted < TRIM_SLICE ? Uni.createFrom().voidItem() : trimDefault(partition, cutoff));
    }
}
