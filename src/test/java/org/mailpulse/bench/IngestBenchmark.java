package org.mailpulse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ingest.EventApplier;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.ingest.archive.SesEventArchive;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingestion throughput and latency against the embedded servers, beside two ceilings: the queue alone and
 * PostgreSQL alone. Not part of the suite (the name does not end in Test); run it with
 * {@code ./mvnw test -Dtest=IngestBenchmark -Dbench.events=100000}. bench/README.md explains every figure.
 */
@QuarkusTest
class IngestBenchmark {

    /** Batches timed one at a time per stage: enough for a stable mean, few enough to take seconds. */
    private static final int STAGE_BATCHES = 500;

    private static final String APPLIED_SINCE = "SELECT count(*) FROM ingest_dedupe WHERE processed_at >= ?";
    // processed_at is now() of the applying transaction, i.e. its start; event_time is the enqueue moment.
    private static final String LATENCY_SINCE = """
            SELECT count(*) AS events, count(DISTINCT notification_id) AS inputs,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
                   max(ms) AS max
            FROM (SELECT h.notification_id, (extract(epoch FROM d.processed_at - h.event_time) * 1000)::float8 AS ms
                  FROM ingest_dedupe d JOIN email_events_op h ON h.notification_id = d.notification_id
                  WHERE d.processed_at >= ?) AS run
            """;

    @Inject
    SesRecordParser parser;
    @Inject
    SesEventArchive archive;
    @Inject
    EventApplier applier;
    @Inject
    Pool pool;
    @Inject
    ObjectMapper json;
    @Inject
    MailPulseConfig config;

    record Settings(int events, int messages, int inflight, long seed, int latencySeconds, Duration timeout) {

        static Settings fromSystemProperties() {
            int events = Integer.getInteger("bench.events", 100_000);
            return new Settings(events, Integer.getInteger("bench.messages", Math.max(1, events / 5)), Integer.getInteger("bench.inflight", 8),
                    Long.getLong("bench.seed", 1), Integer.getInteger("bench.latency.seconds", 30),
                    Duration.ofMinutes(Long.getLong("bench.timeout.minutes", 20)));
        }
    }

    /** The workload rendered for the pipeline, and the same events moved to the ceiling's and the stage timings' messages. */
    record Prepared(String[] bodies, int[] duplicateOf, int unique, List<PostgresCeiling.Row> ceilingRows, List<List<SesEvent>> stageBatches) {

        int events() {
            return bodies.length;
        }
    }

    @Test
    void ingestsTheEventStream() {
        Settings settings = Settings.fromSystemProperties();
        int pollers = config.ingest().pollers();
        Deadline deadline = Deadline.after(settings.timeout());
        String run = "b" + UUID.randomUUID().toString().substring(0, 8);
        Report report = new Report();
        CpuBudget budget = new CpuBudget();

        Workload workload = Workload.generate(run, settings.events(), settings.messages(), settings.seed());
        Prepared prepared = prepare(run, workload, settings.messages());
        describe(report, settings, workload, prepared, pollers);

        try (BenchQueue queue = new BenchQueue(settings.inflight())) {
            QueueCeiling queueCeiling = queueCeiling(report, budget, queue, run, prepared, pollers, deadline);
            double postgresCeiling = postgresCeiling(report, prepared, pollers, deadline);
            settle();
            Pipeline pipeline = pipeline(report, queue, prepared, pollers, Math.min(queueCeiling.lower(), postgresCeiling), deadline);
            latency(report, queue, run, settings, pipeline.backlogDrainRate() / 2, deadline);
            // After the pipeline, so that they do not disturb it and run on code the JIT has compiled, as a running service does.
            stages(report, budget, prepared, deadline);
            budget.report(report, pipeline.cpu(), prepared.events(), pipeline.backlogCpu(), pipeline.backlog());
        } finally {
            report.print();
        }
        assertThat(report.failures()).as("sanity checks (see the BENCH block above)").isEmpty();
    }

    private Prepared prepare(String run, Workload workload, int messages) {
        Population pipelineMessages = Population.arrange(run + "-p", messages);
        Population ceilingMessages = Population.arrange(run + "-c", messages);
        Population stageMessages = Population.arrange(run + "-s", messages);
        settle();
        String[] bodies = workload.templates(pipelineMessages);
        List<PostgresCeiling.Row> ceilingRows = new ArrayList<>(workload.size());
        List<SesEvent> stageEvents = new ArrayList<>();
        for (int i = 0; i < workload.size(); i++) {
            Workload.Spec spec = workload.spec(i);
            if (spec.isDuplicate()) {
                ceilingRows.add(ceilingRows.get(spec.duplicateOf()));
                continue;
            }
            if (!(parser.parse(bodies[i]) instanceof ParsedInput.Event parsed)) {
                throw new IllegalStateException("generated body " + i + " from " + spec.fixture() + " is not an SES event: " + bodies[i]);
            }
            SesEvent event = parsed.event();
            boolean ours = spec.message() >= 0;
            ceilingRows.add(PostgresCeiling.Row.of(event, run + "-ceiling-" + i, ours ? ceilingMessages.recipient(spec.message()) : null,
                    ceilingMessages.campaignId(), json));
            if (stageEvents.size() < STAGE_BATCHES * BenchQueue.BATCH) {
                stageEvents.add(StageTimings.moved(event, run + "-stage-" + i, ours ? stageMessages.recipient(spec.message()) : null));
            }
        }
        return new Prepared(bodies, workload.duplicateOf(), workload.unique(), ceilingRows, batches(stageEvents));
    }

    private static void describe(Report report, Settings settings, Workload workload, Prepared prepared, int pollers) {
        report.text("workload.events", workload.size() + " (unique " + workload.unique() + ", exact duplicates " + workload.duplicates()
                + ", of unknown messages " + workload.unknownMessages() + ", in SNS envelope " + workload.inSnsEnvelope() + ")");
        report.text("workload.messages", settings.messages() + " per campaign (the pipeline, ceiling a and the stage timings have one each)");
        report.figure("workload.body_mean", Arrays.stream(prepared.bodies()).filter(Objects::nonNull).mapToInt(String::length).average().orElse(0), "bytes");
        report.figure("workload.jsonb_payload_mean", prepared.ceilingRows().stream().map(PostgresCeiling.Row::payload).filter(Objects::nonNull)
                .mapToInt(String::length).average().orElse(0), "bytes (history and detail rows hold the type's detail object)");
        report.text("settings", "pollers=" + pollers + " receive=10 sender_inflight=" + settings.inflight() + " seed=" + settings.seed()
                + " cores=" + Runtime.getRuntime().availableProcessors());
    }

    private void stages(Report report, CpuBudget budget, Prepared prepared, Deadline deadline) {
        int stageEvents = prepared.stageBatches().stream().mapToInt(List::size).sum();
        CpuMeter cpu = CpuMeter.start();
        double parse = StageTimings.parseMicros(parser, prepared.bodies());
        budget.add("parse", cpu.stop(), prepared.unique());
        cpu = CpuMeter.start();
        double archived = StageTimings.archiveMillis(archive, prepared.stageBatches(), deadline);
        budget.add("archive", cpu.stop(), stageEvents);
        cpu = CpuMeter.start();
        double applied = StageTimings.applyMillis(pool, applier, prepared.stageBatches(), deadline);
        budget.add("apply", cpu.stop(), stageEvents);
        report.figure("stage.parse", parse, "us/event (all bodies, one thread)");
        report.figure("stage.parse_batch", parse * BenchQueue.BATCH / 1000, "ms/batch of 10");
        report.figure("stage.archive_batch", archived, "ms/batch of 10 (MongoDB bulk upsert, one at a time)");
        report.figure("stage.postgres_batch", applied, "ms/batch of 10 (EventApplier transaction, one at a time)");
        report.figure("stage.sum_batch", parse * BenchQueue.BATCH / 1000 + archived + applied, "ms/batch of 10");
    }

    /** Ceiling (b): how fast the queue takes the bodies in, and how fast a consumer that only receives and deletes takes them out. */
    record QueueCeiling(double enqueueRate, double drainRate) {

        /** The lower of the two: the pipeline is compared with it, although it only drains (conservative). */
        double lower() {
            return Math.min(enqueueRate, drainRate);
        }
    }

    /** Ceiling (b): the same bodies through a queue of their own, enqueued, then drained by a consumer that only receives and deletes. */
    private static QueueCeiling queueCeiling(Report report, CpuBudget budget, BenchQueue queue, String run, Prepared prepared, int receivers,
                                       Deadline deadline) {
        int events = prepared.events();
        String bare = queue.createQueue(run + "-bench-bare");
        CpuMeter cpu = CpuMeter.start();
        Duration enqueue = queue.send(bare, prepared.bodies(), prepared.duplicateOf(), deadline);
        CpuMeter.Usage enqueueCpu = cpu.stop();
        cpu = CpuMeter.start();
        BenchQueue.Drain drain = queue.drain(bare, events, receivers, deadline);
        CpuMeter.Usage drainCpu = cpu.stop();
        queue.deleteQueue(bare);
        budget.add("enqueue", enqueueCpu, events);
        budget.add("receive_delete", drainCpu, events);

        double enqueueRate = events / seconds(enqueue);
        double drainRate = events / seconds(drain.elapsed());
        report.figure("ceiling_b.enqueue_rate", enqueueRate, "msg/s (" + format(enqueue) + ")");
        report.figure("ceiling_b.drain_rate", drainRate, "msg/s (" + format(drain.elapsed()) + ", " + receivers + " receivers)");
        report.figure("ceiling_b.receive_delete_cycle", receivers * drain.elapsed().toNanos() / 1e6 / drain.receiveCalls(), "ms per receive of 10 + delete");
        report.text("cpu.ceiling_b_enqueue", enqueueCpu.describe(events));
        report.text("cpu.ceiling_b_drain", drainCpu.describe(events));
        report.check("ceiling_b_drained", events, drain.received());
        return new QueueCeiling(enqueueRate, drainRate);
    }

    /** Ceiling (a): the pipeline's rows written straight into PostgreSQL. */
    private static double postgresCeiling(Report report, Prepared prepared, int connections, Deadline deadline) {
        CpuMeter cpu = CpuMeter.start();
        PostgresCeiling.Result result = PostgresCeiling.run(prepared.ceilingRows(), connections, deadline);
        CpuMeter.Usage usage = cpu.stop();
        double rate = prepared.events() / seconds(result.elapsed());
        report.figure("ceiling_a.postgres_rate", rate, "events/s (" + format(result.elapsed()) + ", " + connections + " connections)");
        report.figure("ceiling_a.batch", result.meanBatchMillis(), "ms/batch of 10 (one statement, one transaction)");
        report.text("ceiling_a.deadlock_retries", String.valueOf(result.deadlockRetries()));
        report.text("cpu.ceiling_a", usage.describe(prepared.events()));
        report.check("ceiling_a_applied", prepared.unique(), result.claimed());
        return rate;
    }

    record Pipeline(double backlogDrainRate, CpuMeter.Usage cpu, CpuMeter.Usage backlogCpu, int backlog) {
    }

    /**
     * The application's pollers drain the input queue while the sender floods it. Once the sender has stopped, what
     * is left is a loaded queue drained by the pipeline alone, as ceiling b's consumer drains its queue: that part is
     * also measured on its own (backlog at the moment the last send was accepted, and the time to empty it).
     */
    private static Pipeline pipeline(Report report, BenchQueue queue, Prepared prepared, int pollers, double ceiling, Deadline deadline) {
        BatchApplyTimer before = BatchApplyTimer.scrape();
        long quarantinedBefore = Db.count("SELECT count(*) FROM ingest_quarantine");
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC);
        long startNanos = System.nanoTime();
        CpuMeter cpu = CpuMeter.start();
        Duration enqueue = queue.send(TestServers.queueUrl(), prepared.bodies(), prepared.duplicateOf(), deadline);
        long backlogStart = System.nanoTime();
        CpuMeter backlogMeter = CpuMeter.start();
        int backlog = queue.depth(TestServers.queueUrl(), deadline);
        // Messages are deleted only after their transaction committed, so an empty queue means every effect is committed.
        queue.awaitEmpty(TestServers.queueUrl(), deadline, "waiting for the pipeline to drain the input queue");
        long end = System.nanoTime();
        CpuMeter.Usage usage = cpu.stop();
        CpuMeter.Usage backlogCpu = backlogMeter.stop();
        Duration wall = Duration.ofNanos(end - startNanos);
        Duration backlogWall = Duration.ofNanos(end - backlogStart);
        BatchApplyTimer apply = BatchApplyTimer.scrape().since(before);
        Map<String, Object> latency = Db.row(LATENCY_SINCE, start);

        double rate = prepared.events() / seconds(wall);
        double backlogRate = backlog / seconds(backlogWall);
        report.figure("pipeline.drain_rate", rate, "events/s (" + format(wall) + " from first enqueue to last commit)");
        report.figure("pipeline.enqueue_rate", prepared.events() / seconds(enqueue), "msg/s (" + format(enqueue) + ", concurrent with the pollers)");
        report.figure("pipeline.latency_p50", number(latency.get("p50")), "ms enqueue to commit (mostly waiting in the backlog)");
        report.figure("pipeline.latency_p99", number(latency.get("p99")), "ms enqueue to commit (mostly waiting in the backlog)");
        report.figure("pipeline.vs_ceiling", rate / ceiling, "x min(ceiling_a, ceiling_b) = " + Math.round(ceiling) + " events/s");
        report.figure("pipeline.backlog_drain_rate", backlogRate, "events/s (" + backlog + " left when the sender stopped, drained in " + format(backlogWall) + ")");
        report.figure("pipeline.backlog_vs_ceiling", backlogRate / ceiling, "x min(ceiling_a, ceiling_b)");
        report.figure("batch_apply.batches", apply.count(), "(Micrometer mailpulse.ingest.batch.apply during the run)");
        report.figure("batch_apply.mean", apply.meanMillis(), "ms/batch (parse + archive + PostgreSQL, " + pollers + " pollers at once)");
        report.figure("batch_apply.p50", apply.p50Seconds() * 1000, "ms (histogram buckets over the run)");
        report.figure("batch_apply.p99", apply.p99Seconds() * 1000, "ms (histogram buckets over the run)");
        double cycle = pollers * wall.toNanos() / 1e6 / apply.count();
        report.figure("pipeline.poller_cycle", cycle, "ms per batch of 10 (" + pollers + " pollers x wall / batches)");
        report.figure("pipeline.poller_cycle_outside_apply", cycle - apply.meanMillis(), "ms per batch (receive, delete, waiting)");
        report.text("cpu.pipeline", usage.describe(prepared.events()));
        report.text("cpu.pipeline_backlog", backlogCpu.describe(backlog));
        report.check("pipeline_inputs_applied", prepared.unique(), Db.count(APPLIED_SINCE, start));
        report.check("pipeline_history_rows", prepared.unique(), ((Number) latency.get("events")).longValue());
        report.check("pipeline_history_inputs", prepared.unique(), ((Number) latency.get("inputs")).longValue());
        report.check("pipeline_quarantined", 0, Db.count("SELECT count(*) FROM ingest_quarantine") - quarantinedBefore);
        return new Pipeline(backlogRate, usage, backlogCpu, backlog);
    }

    /**
     * Enqueue-to-commit latency at a rate the pipeline sustains (half the backlog drain rate just measured) for
     * {@code bench.latency.seconds}, with fresh events of the same mix on messages of their own. Under a flood the
     * latency would only measure the backlog.
     */
    private static void latency(Report report, BenchQueue queue, String run, Settings settings, double rate, Deadline deadline) {
        int events = (int) Math.max(BenchQueue.BATCH, Math.round(rate * settings.latencySeconds()));
        Workload workload = Workload.generate(run + "l", events, Math.max(1, events / 5), settings.seed() + 1);
        String[] bodies = workload.templates(Population.arrange(run + "-l", Math.max(1, events / 5)));
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC);
        Duration sending = queue.paced(TestServers.queueUrl(), bodies, workload.duplicateOf(), rate, deadline);
        queue.awaitEmpty(TestServers.queueUrl(), deadline, "waiting for the latency phase to drain");
        Map<String, Object> latency = Db.row(LATENCY_SINCE, start);
        report.figure("latency.rate", events / seconds(sending), "events/s paced (half the backlog drain rate) for " + format(sending) + ", " + events + " events");
        report.figure("latency.p50", number(latency.get("p50")), "ms enqueue to commit");
        report.figure("latency.p99", number(latency.get("p99")), "ms enqueue to commit");
        report.figure("latency.max", number(latency.get("max")), "ms enqueue to commit");
        report.check("latency_inputs_applied", workload.unique(), ((Number) latency.get("inputs")).longValue());
    }

    /** Fresh statistics and flushed dirty pages, so that one phase's leftovers do not slow the next. */
    private static void settle() {
        Db.update("VACUUM ANALYZE");
        Db.update("CHECKPOINT");
    }

    private static List<List<SesEvent>> batches(List<SesEvent> events) {
        List<List<SesEvent>> batches = new ArrayList<>();
        for (int from = 0; from < events.size(); from += BenchQueue.BATCH) {
            batches.add(events.subList(from, Math.min(events.size(), from + BenchQueue.BATCH)));
        }
        return batches;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static String format(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", seconds(duration));
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
