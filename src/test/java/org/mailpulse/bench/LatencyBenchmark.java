package org.mailpulse.bench;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.LatencyProxies;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingestion rate of one replica with SQS, PostgreSQL and MongoDB at 0, 5 and 20 ms round trip (every connection of
 * the replica through a {@link org.mailpulse.testsupport.LatencyProxy}, half the delay each way), default settings.
 * Per round trip: a queue of its own is filled with the IngestBenchmark's event mix, then a fresh instance of the
 * packaged application drains it alone. Not part of the suite; needs {@code target/quarkus-app}:
 * {@code ./mvnw -B -ntp package -DskipTests && ./mvnw -B -ntp test -Dtest=LatencyBenchmark -Dbench.events=12000};
 * {@code -Dbench.rtt.ms=20} picks the round trips, {@code -Dbench.replica.options="-Dmailpulse.ingest.pollers=4 ..."}
 * changes the replica's settings. bench/latency.md explains the figures.
 */
@QuarkusTest
class LatencyBenchmark {

    private static final String PROCESSED_SINCE = "SELECT processed_at FROM ingest_dedupe WHERE processed_at >= ? ORDER BY processed_at";

    @Test
    void drainsAtEachRoundTrip() throws Exception {
        int events = Integer.getInteger("bench.events", 12_000);
        int[] roundTrips = Arrays.stream(System.getProperty("bench.rtt.ms", "0,5,20").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Deadline deadline = Deadline.after(Duration.ofMinutes(Long.getLong("bench.timeout.minutes", 30)));
        String run = "l" + UUID.randomUUID().toString().substring(0, 8);
        Report report = new Report();
        report.text("settings", events + " events per round trip (IngestBenchmark's mix, 5 % exact duplicates), replica options ["
                + System.getProperty("bench.replica.options", "") + "] (none: the defaults), cores=" + Runtime.getRuntime().availableProcessors());
        try (BenchQueue queue = new BenchQueue(8); LatencyProxies proxies = LatencyProxies.start()) {
            for (int rtt : roundTrips) {
                phase(report, queue, proxies, run, rtt, events, deadline);
            }
        } finally {
            report.print();
        }
        assertThat(report.failures()).as("sanity checks (see the BENCH block above)").isEmpty();
    }

    private static void phase(Report report, BenchQueue queue, LatencyProxies proxies, String run, int rtt, int events, Deadline deadline)
            throws Exception {
        String name = run + "-rtt" + rtt;
        Workload workload = Workload.generate(name, events, Math.max(1, events / 5), 1);
        String[] bodies = workload.templates(Population.arrange(name, Math.max(1, events / 5)));
        String queueUrl = queue.createQueue(name);
        queue.send(queueUrl, bodies, workload.duplicateOf(), deadline);
        long quarantinedBefore = Db.count("SELECT count(*) FROM ingest_quarantine");
        proxies.roundTrip(Duration.ofMillis(rtt));

        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC);
        CpuMeter cpu = CpuMeter.start();
        String[] replicaOptions = System.getProperty("bench.replica.options", "").isBlank() ? new String[0]
                : System.getProperty("bench.replica.options").trim().split("\\s+");
        try (AppInstance instance = AppInstance.start("latency-" + rtt, proxies.launch(queueUrl).withOptions(replicaOptions))) {
            instance.awaitReady(Duration.ofMinutes(3));
            queue.awaitEmpty(queueUrl, deadline, "waiting for the replica at " + rtt + " ms to drain its queue");
            CpuMeter.Usage usage = cpu.stop();
            double batches = instance.metric("mailpulse_ingest_batch_apply_seconds_count");
            double batchSeconds = instance.metric("mailpulse_ingest_batch_apply_seconds_sum");
            List<Long> processed = Db.rows(PROCESSED_SINCE, start).stream()
                    .map(row -> Db.instant(row.get("processed_at")).toEpochMilli()).toList();

            String prefix = "rtt_" + rtt + "ms.";
            report.figure(prefix + "rate", steadyRate(processed), "events/s (applied, between the 10th and the 90th percentile of commit times)");
            report.figure(prefix + "batch_apply_mean", 1000 * batchSeconds / batches, "ms per batch of 10 (archive beside the transaction)");
            report.text(prefix + "cpu", usage.describe(workload.unique()) + " (the replica counts as other)");
            report.check(prefix + "applied", workload.unique(), processed.size());
            report.check(prefix + "quarantined", 0, Db.count("SELECT count(*) FROM ingest_quarantine") - quarantinedBefore);
            instance.terminate(Duration.ofSeconds(60));
        } finally {
            queue.deleteQueue(queueUrl);
        }
    }

    /** Events per second over the middle 80 % of the commits, leaving out the start-up and the tail. */
    static double steadyRate(List<Long> commitMillis) {
        int n = commitMillis.size();
        if (n < 10) {
            return Double.NaN;
        }
        int from = n / 10;
        int to = n * 9 / 10;
        long millis = Math.max(1, commitMillis.get(to) - commitMillis.get(from));
        return (to - from) * 1000.0 / millis;
    }
}
