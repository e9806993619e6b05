package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.mailpulse.bench.Population;
import org.mailpulse.bench.Workload;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 2: while events stream in, PostgreSQL, then MongoDB, then the queue server go away for a while and come
 * back. Readiness (for PostgreSQL) or the ingestion health group (for MongoDB and the queue, which only ingestion
 * needs) must go DOWN and UP again, and afterwards the effects must equal those of the same input drained
 * without outages.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class StoreOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(Scale.of(5, 30));
    private static final Duration BETWEEN = Duration.ofSeconds(Scale.of(8, 20));
    private static final int RATE = Scale.of(100, 200);
    private static final long SEED = 30L;
    private static final String READINESS = "/q/health/ready";
    private static final String INGESTION = "/q/health/group/ingestion";
    private static final String[] FAST_RETRIES = {"-Dmailpulse.ingest.visibility-timeout-seconds=10",
            "-Dmailpulse.ingest.initial-backoff=200ms", "-Dmailpulse.ingest.max-backoff=2s"};

    record Outage(String store, long downAfterMs, long readyAfterMs, long caughtUpAfterMs, int backlog) {
        @Override
        public String toString() {
            return "%s: DOWN after %,d ms, UP %,d ms after restart, backlog %,d caught up after %,d ms".formatted(
                    store, downAfterMs, readyAfterMs, backlog, caughtUpAfterMs);
        }
    }

    @Test
    void readinessFollowsEachStoreAndNothingIsLostOrDoubled() throws Exception {
        // Enough to stream through all three outages, with a margin for the recoveries.
        int events = (int) (RATE * (BETWEEN.toSeconds() + 3 * (OUTAGE.toSeconds() + BETWEEN.toSeconds()) + 20));
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = Long.toString(System.nanoTime() % 1_000_000, 36);
        String streamed = "outage" + id;
        String reference = "calm" + id;
        Workload workload = Workload.generate(streamed, events, events / 5, SEED);

        List<Outage> outages = new ArrayList<>();
        int producerRetries;
        List<String> bodies = workload.bodies(Population.arrange(streamed, events / 5), base);
        try (AppInstance app = AppInstance.start("outage", FAST_RETRIES)) {
            app.awaitReady(Duration.ofSeconds(90));
            try (SteadyProducer producer = new SteadyProducer(bodies, RATE)) {
                Thread.sleep(BETWEEN.toMillis());
                outages.add(outage(app, "PostgreSQL", READINESS, TestServers::stopPostgres, TestServers::startPostgres));
                Thread.sleep(BETWEEN.toMillis());
                outages.add(outage(app, "MongoDB", INGESTION, TestServers::stopMongo, TestServers::startMongo));
                Thread.sleep(BETWEEN.toMillis());
                outages.add(outage(app, "SQS", INGESTION, TestServers::stopSqs, TestServers::startSqs));
                producer.awaitDone(Duration.ofMinutes(5).toMillis());
                producerRetries = producer.retries();
            }
            Queue.awaitDrained(Duration.ofMinutes(5));
            assertThat(app.isAlive()).as("the instance rode out every outage").isTrue();
            assertThat(app.terminate(Duration.ofSeconds(60))).isTrue();
        }

        Queue.send(Workload.generate(reference, events, events / 5, SEED).bodies(Population.arrange(reference, events / 5), base));
        try (AppInstance app = AppInstance.start("calm", FAST_RETRIES)) {
            app.awaitReady(Duration.ofSeconds(90));
            Queue.awaitDrained(Duration.ofMinutes(5));
        }

        Effects actual = Effects.of(streamed);
        assertThat(actual.differences(Effects.of(reference))).as("effects compared with the undisturbed run").isEmpty();
        assertThat(actual.eventsByType()).isEqualTo(workload.uniqueEventsByType());
        assertThat(actual.archived()).isEqualTo(workload.unique());
        assertThat(actual.detailRows()).isEqualTo(workload.unique());
        assertThat(actual.reports().get("summary")).isEqualTo(workload.distinctMessages());
        assertThat(actual.quarantined()).isZero();
        assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();
        Figures.print("outage", ("%,d events at %d/s, each store down %d s: %s; effects identical to an undisturbed run (%,d history rows, %,d archived), "
                + "0 lost, 0 doubled, 0 quarantined, DLQ 0, producer retried %d batches while SQS was down").formatted(
                events, RATE, OUTAGE.toSeconds(), outages, actual.events(), actual.archived(), producerRetries));
    }

    /**
     * Takes a store away for {@link #OUTAGE} (longer if the health endpoint has not noticed yet: the MongoDB check waits for its
     * server selection timeout), and measures the endpoint going DOWN, coming back, and the backlog draining.
     */
    private static Outage outage(AppInstance app, String store, String health, Runnable stop, Runnable start) throws InterruptedException {
        long stopped = System.nanoTime();
        stop.run();
        long down = -1;
        while (System.nanoTime() - stopped < OUTAGE.toNanos() || down < 0 && System.nanoTime() - stopped < OUTAGE.plusSeconds(30).toNanos()) {
            if (down < 0 && app.health(health) == 503) {
                down = (System.nanoTime() - stopped) / 1_000_000;
            }
            Thread.sleep(100);
        }
        assertThat(down).as("%s went DOWN while %s was away", health, store).isGreaterThanOrEqualTo(0);
        start.run();
        long started = System.nanoTime();
        int backlog = -1;
        while (app.health(health) != 200) {
            assertThat(System.nanoTime() - started).as("%s UP again after %s returned", health, store).isLessThan(Duration.ofSeconds(60).toNanos());
            Thread.sleep(50);
        }
        long ready = (System.nanoTime() - started) / 1_000_000;
        backlog = Queue.depth();
        while (Queue.depth() > RATE / 2) {
            assertThat(System.nanoTime() - started).as("backlog drained after %s returned", store).isLessThan(Duration.ofMinutes(3).toNanos());
            Thread.sleep(100);
        }
        return new Outage(store, down, ready, (System.nanoTime() - started) / 1_000_000, backlog);
    }
}
