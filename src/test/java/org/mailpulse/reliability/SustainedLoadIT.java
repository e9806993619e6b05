package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.bench.Population;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.TestServers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

import static org.mailpulse.reliability.SoakStats.count;
import static org.mailpulse.reliability.SoakStats.millis;
import static org.mailpulse.reliability.SoakStats.mib;
import static org.mailpulse.reliability.SoakStats.percentile;
import static org.mailpulse.reliability.SoakStats.signed;

/**
 * Scenario 5, sustained load: a steady mixed event stream at half the measured drain rate for 30 minutes (30 s in
 * the short scale), with the REST API read concurrently. Reports event-to-effect and API latency, heap and RSS over
 * time (which must show no growth trend) and errors (which must be none).
 *
 * <p>Steps: one instance of the packaged application ({@link AppInstance}, ingestion on) and a campaign of SENT
 * messages; a warm-up burst; a measured burst (drain rate = events / time from the first enqueue until the input
 * queue is empty, i.e. every effect committed); then the soak at {@code drain / 2} events/s with
 * {@code soak.readers} threads reading the API, sampled every {@code soak.sample.seconds} and summarised every
 * interval (60 s full, 6 s short); then the queue must drain and every check below must hold.
 *
 * <p><b>Event-to-effect latency</b> of each history row of the soak = {@code email_events_op.created_at} (the
 * {@code now()} of the transaction that applied it) minus {@code event_time}, which the sender set to the moment it
 * built the batch, just before {@code SendMessageBatch}. {@code now()} is the transaction's start, so the few
 * milliseconds of the transaction itself are left out (the application's own {@code mailpulse.ingest.queue.lag},
 * taken after the commit, is printed beside it as a check). Percentiles are nearest-rank over every event.
 *
 * <p><b>No growth trend</b>: the live heap (heap used right after a full GC forced with {@code jcmd GC.run} at the
 * end of each interval) and the RSS floor (the least RSS sampled in each interval: G1 grows and shrinks the committed
 * heap, which lifts the RSS by 100 MiB and more for a while) are fitted with a least-squares line over the second
 * half of the soak (the first half includes warm-up: JIT, pools, caches); the line may rise by at most
 * {@value #HEAP_GROWTH_MIB} MiB (heap) and {@value #RSS_GROWTH_MIB} MiB (RSS) over that half. At full scale (15 minutes)
 * that is 1 MiB/min of heap, which a leak of ~35 bytes per event at 500 events/s exceeds, and 2 MiB/min of RSS; the
 * 5-minute override allows 6 and 12 MiB/min; the short run is a smoke check of the same rule over 15 s, within
 * which only a gross leak shows.
 *
 * <p><b>Errors</b>, all of which must be zero: non-2xx or failed API reads, sends refused by the queue, failed
 * samples, ingestion batch failures, quarantined inputs, new dead letters, ERROR lines in the instance's log, and
 * any event not applied exactly once (history rows of the run = distinct inputs sent, none twice).
 *
 * <p>Overrides (system properties, e.g. {@code -Dsoak.seconds=300}): {@code soak.seconds} (duration),
 * {@code soak.interval.seconds} (time-series step), {@code soak.sample.seconds}, {@code soak.rate} (events/s instead
 * of half the drain rate), {@code soak.readers}, {@code soak.think.ms} (pause between a reader's requests). A run
 * of 300 s or more uses the full scale's population and burst sizes.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class SustainedLoadIT {

    static final int HEAP_GROWTH_MIB = 15;
    static final int RSS_GROWTH_MIB = 30;

    private static final String HISTORY_COUNTS = """
            SELECT count(*) AS rows, count(DISTINCT notification_id) AS inputs FROM email_events_op WHERE ses_message_id LIKE ?
            """;
    private static final String EFFECT_TIMES = """
            SELECT (extract(epoch FROM event_time) * 1000)::bigint AS event_ms, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us
            FROM email_events_op WHERE ses_message_id LIKE ? AND event_time >= ?
            """;

    record Settings(long seconds, long intervalSeconds, long sampleSeconds, Double rate, int readers, long thinkMillis,
                    int messages, int warmup, int burst) {

        static Settings fromSystemProperties() {
            long seconds = Long.getLong("soak.seconds", Scale.of(30L, 1800L));
            boolean large = Scale.full() || seconds >= 300;
            long interval = Long.getLong("soak.interval.seconds", seconds >= 1200 ? 60 : seconds >= 180 ? 30 : 6);
            String rate = System.getProperty("soak.rate");
            return new Settings(seconds, interval, Long.getLong("soak.sample.seconds", 2), rate == null ? null : Double.valueOf(rate),
                    Integer.getInteger("soak.readers", 4), Long.getLong("soak.think.ms", 100),
                    large ? 50_000 : 5_000, large ? 10_000 : 2_000, large ? 30_000 : 5_000);
        }
    }

    @Test
    void steadyMixedLoadWithConcurrentReadsHoldsLatencyMemoryAndCorrectness() throws Exception {
        Settings settings = Settings.fromSystemProperties();
        String run = "soak" + UUID.randomUUID().toString().substring(0, 8);
        Population population = Population.arrange(run + "-p", settings.messages());
        long quarantinedBefore = Db.count("SELECT count(*) FROM ingest_quarantine");
        int deadLettersBefore = Queue.depth(TestServers.deadLetterQueueUrl());

        try (AppInstance app = AppInstance.start("soak"); SoakQueue queue = new SoakQueue(8)) {
            app.awaitReady(Duration.ofSeconds(120));
            queue.awaitEmpty(System.nanoTime(), Duration.ofSeconds(120)); // whatever earlier tests left is not ours to count
            SoakEvents events = new SoakEvents(run, population, 5);
            SoakSampler sampler = new SoakSampler(app, queue, events, settings.sampleSeconds(), settings.intervalSeconds(), settings.seconds());
            SoakSampler.Metrics atReady = sampler.metrics();

            // Warm-up of ingestion and of the read endpoints (JIT, pools), then the drain rate of this instance on this machine, now.
            SoakReaders warmupReaders = new SoakReaders(app, population, settings.readers(), settings.thinkMillis());
            warmupReaders.start(System.nanoTime());
            queue.burst(events, settings.warmup());
            queue.awaitEmpty(System.nanoTime(), Duration.ofMinutes(5));
            warmupReaders.stop();
            long burstStart = System.nanoTime();
            queue.burst(events, settings.burst());
            Duration drained = queue.awaitEmpty(burstStart, Duration.ofMinutes(5));
            double drainRate = settings.burst() / seconds(drained);
            double rate = settings.rate() != null ? settings.rate() : Math.floor(drainRate / 2);
            System.out.printf(Locale.ROOT, "SOAK drain: %s events in %.1f s = %s events/s; soak at %s events/s for %d s%n",
                    count(settings.burst()), seconds(drained), count(drainRate), count(rate), settings.seconds());

            // The soak.
            sampler.baseline();
            SoakSampler.Metrics atStart = sampler.metrics();
            long sentBefore = events.sent();
            SoakReaders readers = new SoakReaders(app, population, settings.readers(), settings.thinkMillis());
            long startNanos = System.nanoTime();
            Instant start = Instant.ofEpochMilli(System.currentTimeMillis());
            long endNanos = startNanos + Duration.ofSeconds(settings.seconds()).toNanos();
            sampler.start(startNanos);
            readers.start(startNanos);
            queue.paced(events, rate, startNanos, endNanos);
            long sent = events.sent() - sentBefore;
            readers.stop();
            sampler.awaitFinished();
            long stoppedNanos = System.nanoTime();
            Duration tail = queue.awaitEmpty(stoppedNanos, Duration.ofMinutes(3));
            SoakSampler.Metrics atEnd = sampler.metrics();

            // What the soak did.
            List<double[]> effectByEvent = effectSamples(run, start);
            double[] effect = effectByEvent.stream().mapToDouble(p -> p[1]).toArray();
            List<SoakReaders.Read> reads = readers.reads();
            double[] api = reads.stream().mapToDouble(r -> r.micros() / 1000.0).toArray();
            double[] effectSorted = SoakStats.sorted(effect);
            double[] apiSorted = SoakStats.sorted(api);
            List<SoakSampler.Mark> marks = sampler.marks();
            List<SoakSampler.Sample> samples = sampler.samples();
            printSeries(settings, effectByEvent, reads, samples, marks);
            printEndpoints(reads);

            double halfMinutes = settings.seconds() / 2.0 / 60;
            double heapSlope = SoakStats.slope(secondHalf(marks, settings, SoakSampler.Mark::heapLiveMiB));
            double rssSlope = SoakStats.slope(secondHalf(marks, settings, m -> (double) m.rssMinMiB()));
            double rssMax = samples.stream().mapToDouble(SoakSampler.Sample::rssMiB).max().orElse(Double.NaN);
            double appCores = marks.stream().filter(m -> m.index() > 0).mapToDouble(SoakSampler.Mark::appCores).average().orElse(Double.NaN);
            double machineCores = marks.stream().filter(m -> m.index() > 0).mapToDouble(SoakSampler.Mark::machineCores).average().orElse(Double.NaN);
            SoakSampler.Mark first = marks.get(0);
            SoakSampler.Mark last = marks.get(marks.size() - 1);
            double lagCount = atEnd.lagCount() - atStart.lagCount();
            double lagMeanMillis = lagCount == 0 ? Double.NaN : (atEnd.lagSumSeconds() - atStart.lagSumSeconds()) / lagCount * 1000;
            System.out.printf(Locale.ROOT, "SOAK effect latency: %s events, p50 %s ms, p99 %s ms, max %s ms, mean %s ms (application's queue-lag mean %s ms,"
                            + " SQS SentTimestamp to commit); sender at most %d ms behind schedule; queue empty %.1f s after the last send;"
                            + " RSS at most %s MiB; CPU %.2f cores instance, %.2f of %d machine%n",
                    count(effect.length), millis(percentile(effectSorted, 0.5)), millis(percentile(effectSorted, 0.99)), millis(SoakStats.max(effect)),
                    millis(Arrays.stream(effect).average().orElse(Double.NaN)), millis(lagMeanMillis), queue.maxBehind().toMillis(), seconds(tail),
                    mib(rssMax), appCores, machineCores, Runtime.getRuntime().availableProcessors());

            // Errors.
            Map<String, Object> history = Db.row(HISTORY_COUNTS, run + "-%");
            long historyRows = ((Number) history.get("rows")).longValue();
            long historyInputs = ((Number) history.get("inputs")).longValue();
            long unique = events.unique();
            long quarantined = Db.count("SELECT count(*) FROM ingest_quarantine") - quarantinedBefore;
            long deadLetters = Queue.depth(TestServers.deadLetterQueueUrl()) - deadLettersBefore;
            List<String> errorLines = app.log().lines().filter(line -> line.contains(" ERROR ")).toList();
            long batchFailures = Math.round(atEnd.batchFailures() - atReady.batchFailures());
            long appliedByMetric = Math.round(atEnd.applied() - atReady.applied());
            long notExactlyOnce = Math.abs(unique - historyRows) + (historyRows - historyInputs);
            long apiErrors = readers.errors() + warmupReaders.errors();
            List<String> apiErrorSamples = new ArrayList<>(warmupReaders.errorSamples());
            apiErrorSamples.addAll(readers.errorSamples());
            long errors = apiErrors + queue.failures() + sampler.errors().size() + batchFailures + quarantined + Math.max(0, deadLetters)
                    + errorLines.size() + notExactlyOnce;
            System.out.printf(Locale.ROOT, "SOAK checks: inputs sent %s (all phases), history rows %s, distinct %s, applied (metric) %s; API errors %d,"
                            + " send failures %d, sampler errors %d, batch failures %d, quarantined %d, new dead letters %d, ERROR log lines %d%n",
                    count(unique), count(historyRows), count(historyInputs), count(appliedByMetric), apiErrors, queue.failures(),
                    sampler.errors().size(), batchFailures, quarantined, deadLetters, errorLines.size());

            Figures.print("soak", String.format(Locale.ROOT,
                    "%d s at %s ev/s (drain %s ev/s): %s events, effect p50 %s ms p99 %s ms; API p50 %s ms p99 %s ms over %s reads;"
                            + " heap %s→%s MiB (slope %s MiB/min), RSS %s→%s MiB (slope %s MiB/min); %s errors",
                    settings.seconds(), count(rate), count(drainRate), count(sent), millis(percentile(effectSorted, 0.5)),
                    millis(percentile(effectSorted, 0.99)), millis(percentile(apiSorted, 0.5)), millis(percentile(apiSorted, 0.99)),
                    count(reads.size()), mib(first.heapLiveMiB()), mib(last.heapLiveMiB()), signed(heapSlope), first.rssMinMiB(), last.rssMinMiB(),
                    signed(rssSlope), count(errors)));

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(apiErrors).as("API reads that failed or were not 2xx (warm-up included): %s", apiErrorSamples).isZero();
            soft.assertThat(queue.failures()).as("bodies the queue refused: %s", queue.firstFailure()).isZero();
            soft.assertThat(sampler.errors()).as("sampling failures").isEmpty();
            soft.assertThat(batchFailures).as("batches left on the queue because a store failed").isZero();
            soft.assertThat(quarantined).as("quarantined inputs").isZero();
            soft.assertThat(deadLetters).as("new dead letters").isZero();
            soft.assertThat(errorLines).as("ERROR lines in %s", app.logFile()).isEmpty();
            soft.assertThat(historyRows).as("history rows of the run (one per distinct input)").isEqualTo(unique);
            soft.assertThat(historyInputs).as("distinct inputs among the history rows").isEqualTo(historyRows);
            soft.assertThat(appliedByMetric).as("events applied by the application's counter").isEqualTo(unique);
            soft.assertThat(effect.length).as("history rows of the soak's events").isPositive();
            soft.assertThat(heapSlope * halfMinutes).as("growth of the live heap over the second half (least squares), MiB; slope %s MiB/min",
                    signed(heapSlope)).isLessThanOrEqualTo(HEAP_GROWTH_MIB);
            soft.assertThat(rssSlope * halfMinutes).as("growth of the RSS over the second half (least squares), MiB; slope %s MiB/min",
                    signed(rssSlope)).isLessThanOrEqualTo(RSS_GROWTH_MIB);
            soft.assertAll();
        }
    }

    /** {ms after the soak's start that the event was enqueued, event-to-effect ms} of every history row of the soak. */
    private static List<double[]> effectSamples(String run, Instant start) throws SQLException {
        List<double[]> out = new ArrayList<>();
        try (Connection c = TestServers.jdbc()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(EFFECT_TIMES)) {
                s.setFetchSize(10_000);
                s.setString(1, run + "-%");
                s.setTimestamp(2, Timestamp.from(start));
                try (ResultSet rs = s.executeQuery()) {
                    long startMillis = start.toEpochMilli();
                    while (rs.next()) {
                        long eventMillis = rs.getLong(1);
                        out.add(new double[]{eventMillis - startMillis, rs.getLong(2) / 1000.0 - eventMillis});
                    }
                }
            }
            c.commit();
        }
        return out;
    }

    private static List<double[]> secondHalf(List<SoakSampler.Mark> marks, Settings settings, ToDoubleFunction<SoakSampler.Mark> value) {
        return marks.stream().filter(m -> m.tMillis() >= settings.seconds() * 500)
                .map(m -> new double[]{m.tMillis() / 60_000.0, value.applyAsDouble(m)}).toList();
    }

    /** One line per interval, for the README. */
    private static void printSeries(Settings settings, List<double[]> effect, List<SoakReaders.Read> reads,
                                    List<SoakSampler.Sample> samples, List<SoakSampler.Mark> marks) {
        long interval = settings.intervalSeconds() * 1000;
        System.out.println("SOAK series, one line per " + settings.intervalSeconds() + " s: bodies sent and distinct events applied per second;"
                + " queue = largest depth sampled;"
                + " effect = enqueue to commit of the events enqueued in the interval (ms); API reads started in the interval (ms);"
                + " heap = MiB used after a forced full GC at the interval's end (min-max of the samples); RSS = least MiB in the interval (most);"
                + " GC = seconds paused in the interval (the forced GC included); CPU = cores used by the instance / the whole machine");
        System.out.printf(Locale.ROOT, "SOAK %6s %7s %7s %6s %21s %6s %12s %13s %11s %5s %9s%n",
                "t s", "sent/s", "appl/s", "queue", "effect p50/p99/max", "API n", "p50/p99", "heap", "RSS", "GC s", "CPU");
        SoakSampler.Sample previous = samples.get(0);
        SoakSampler.Mark previousMark = marks.get(0);
        System.out.printf(Locale.ROOT, "SOAK %6d %7s %7s %6d %21s %6s %12s %13s %11s %5s %9s%n", 0, "", "", previous.depth(), "", "", "",
                mib(previousMark.heapLiveMiB()) + " (" + mib(previous.heapUsedMiB()) + ")", previousMark.rssMinMiB() + " (" + previous.rssMiB() + ")", "", "");
        for (SoakSampler.Mark mark : marks.subList(1, marks.size())) {
            long from = mark.tMillis() - interval;
            long to = mark.tMillis();
            double[] e = SoakStats.sorted(effect.stream().filter(p -> p[0] >= from && p[0] < to).mapToDouble(p -> p[1]).toArray());
            double[] a = SoakStats.sorted(reads.stream().filter(r -> r.startMillis() >= from && r.startMillis() < to)
                    .mapToDouble(r -> r.micros() / 1000.0).toArray());
            List<SoakSampler.Sample> window = samples.stream().filter(x -> x.tMillis() > from && x.tMillis() <= to).toList();
            if (window.isEmpty()) {
                continue;
            }
            SoakSampler.Sample end = window.get(window.size() - 1);
            System.out.printf(Locale.ROOT, "SOAK %6d %7s %7s %6d %21s %6s %12s %13s %11s %5.2f %9s%n",
                    to / 1000,
                    count((end.sent() - previous.sent()) * 1000.0 / interval),
                    count((end.applied() - previous.applied()) * 1000.0 / interval),
                    window.stream().mapToInt(SoakSampler.Sample::depth).max().orElse(-1),
                    millis(percentile(e, 0.5)) + "/" + millis(percentile(e, 0.99)) + "/" + millis(SoakStats.max(e)),
                    count(a.length),
                    millis(percentile(a, 0.5)) + "/" + millis(percentile(a, 0.99)),
                    mib(mark.heapLiveMiB()) + " (" + mib(window.stream().mapToDouble(SoakSampler.Sample::heapUsedMiB).min().orElse(Double.NaN))
                            + "-" + mib(window.stream().mapToDouble(SoakSampler.Sample::heapUsedMiB).max().orElse(Double.NaN)) + ")",
                    mark.rssMinMiB() + " (" + window.stream().mapToLong(SoakSampler.Sample::rssMiB).max().orElse(-1) + ")",
                    mark.gcPauseSeconds() - previousMark.gcPauseSeconds(),
                    String.format(Locale.ROOT, "%.2f/%.2f", mark.appCores(), mark.machineCores()));
            previous = end;
            previousMark = mark;
        }
    }

    private static void printEndpoints(List<SoakReaders.Read> reads) {
        StringBuilder line = new StringBuilder("SOAK API by endpoint (n, p50/p99 ms):");
        for (int i = 0; i < SoakReaders.ENDPOINTS.size(); i++) {
            int endpoint = i;
            double[] a = SoakStats.sorted(reads.stream().filter(r -> r.endpoint() == endpoint).mapToDouble(r -> r.micros() / 1000.0).toArray());
            line.append(i == 0 ? " " : "; ").append(SoakReaders.ENDPOINTS.get(i)).append(' ').append(count(a.length)).append(", ")
                    .append(millis(percentile(a, 0.5))).append('/').append(millis(percentile(a, 0.99)));
        }
        System.out.println(line);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
