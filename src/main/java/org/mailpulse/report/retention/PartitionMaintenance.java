package org.mailpulse.report.retention;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;

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

    private static final String ENSURE = """
            SELECT mailpulse_ensure_month_partition($1::regclass, date_trunc('month', now()) + m * interval '1 month')
            FROM generate_series(0, 2) AS m
            """;

    // Partitions named <parent>_YYYYMM whose month ended before the cut-off.
    private static final String EXPIRED = """
            SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = $1::regclass AND c.relname ~ '_[0-9]{6}$'
              AND (to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month') <= $2::timestamptz AT TIME ZONE 'UTC'
            ORDER BY c.relname
            """;

    private final Pool pool;
    private final MailPulseConfig.Retention config;

    public PartitionMaintenance(Pool pool, MailPulseConfig config) {
        this.pool = pool;
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
        return pool.preparedQuery(ENSURE).execute(Tuple.of(table))
                .chain(() -> pool.preparedQuery(EXPIRED).execute(Tuple.of(table, org.mailpulse.common.Sql.utc(cutoff))))
                .chain(rows -> {
                    List<String> names = new ArrayList<>();
                    for (Row row : rows) {
                        names.add(row.getString("name"));
                    }
                    return Multi.createFrom().iterable(names)
                            .onItem().transformToUniAndConcatenate(name -> pool.query("DROP TABLE IF EXISTS \"" + name + "\"").execute()
                                    .invoke(() -> dropped.add(name)))
                            .collect().asList();
                })
                .chain(() -> trimDefault(table + "_default", cutoff))
                .replaceWithVoid();
    }

    /** Deletes old rows of the default partition in slices, so no statement holds locks for long. */
    private Uni<Void> trimDefault(String partition, Instant cutoff) {
        String delete = "DELETE FROM " + partition + " WHERE ctid IN (SELECT ctid FROM " + partition
                + " WHERE event_time < $1 LIMIT 5000)";
        return pool.preparedQuery(delete).execute(Tuple.of(org.mailpulse.common.Sql.utc(cutoff)))
                .chain(rows -> rows.rowCount() < 5000 ? Uni.createFrom().voidItem() : trimDefault(partition, cutoff));
    }
}
