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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1: an instance draining a stream is killed with SIGKILL at random moments and started again. Its effects
 * must equal those of the same input drained by an instance that was never interrupted, and the counts the input
 * itself gives (distinct events per type, raw events archived).
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class CrashRecoveryIT {

    private static final int EVENTS = Scale.of(5_000, 50_000);
    private static final int KILLS = Scale.of(2, 5);
    /** Redelivery after a kill waits for the visibility timeout; short here so the scenario does not idle. */
    private static final long SEED = 20261126L;
    private static final String VISIBILITY = "-Dmailpulse.ingest.visibility-timeout-seconds=10";

    @Test
    void everyEventTakesEffectOnceDespiteKills() throws Exception {
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = Long.toString(System.nanoTime() % 1_000_000, 36);
        String reference = "ref" + id;
        String crashed = "crash" + id;

        // One workload per run: the same events, with ids (SES and SNS) of its own.
        Workload workload = Workload.generate(crashed, EVENTS, EVENTS / 5, SEED);
        enqueue(Workload.generate(reference, EVENTS, EVENTS / 5, SEED), reference, base);
        Duration referenceDrain;
        try (AppInstance app = AppInstance.start("reference", VISIBILITY)) {
            app.awaitReady(Duration.ofSeconds(90));
            referenceDrain = Queue.awaitDrained(Duration.ofMinutes(10));
        }

        enqueue(workload, crashed, base);
        Random random = new Random(KILLS);
        List<Long> recoveries = new ArrayList<>();
        List<Integer> depthsAtKill = new ArrayList<>();
        long start = System.nanoTime();
        try (AppInstance app = AppInstance.start("crashed", VISIBILITY)) {
            app.awaitReady(Duration.ofSeconds(90));
            // Between kills the instance works for a random half to whole share of the undisturbed drain time, so the
            // kills spread over the drain and the last one still finds work in the queue.
            long slice = referenceDrain.toMillis() / (KILLS + 1);
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(500 + (long) ((0.5 + 0.5 * random.nextDouble()) * slice));
                depthsAtKill.add(Queue.depth());
                app.kill();
                long restart = System.nanoTime();
                app.launch();
                app.awaitReady(Duration.ofSeconds(90));
                recoveries.add((System.nanoTime() - restart) / 1_000_000);
            }
            Queue.awaitDrained(Duration.ofMinutes(10));
            assertThat(app.terminate(Duration.ofSeconds(60))).isTrue();
        }
        Duration crashedDrain = Duration.ofNanos(System.nanoTime() - start);

        assertThat(depthsAtKill).as("every kill hit a queue still holding events").allMatch(depth -> depth > 0);
        Effects expected = Effects.of(reference);
        Effects actual = Effects.of(crashed);
        assertThat(actual.differences(expected)).as("effects compared with the uninterrupted run").isEmpty();
        assertThat(actual.eventsByType()).as("history rows: one per distinct input").isEqualTo(workload.uniqueEventsByType());
        assertThat(actual.archived()).as("raw events archived").isEqualTo(workload.unique());
        assertThat(actual.detailRows()).as("report detail rows").isEqualTo(workload.unique());
        assertThat(actual.reports().get("summary")).as("report summary rows: one per message").isEqualTo(workload.distinctMessages());
        assertThat(actual.quarantined()).isZero();
        assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();

        recoveries.sort(null);
        Figures.print("crash", ("%,d events (%,d distinct, %,d duplicates), %d × kill -9 at queue depths %s: restart to ready median %,d ms (max %,d); "
                        + "drained in %.1f s vs %.1f s uninterrupted; effects identical to the uninterrupted run (%,d history rows, %d statuses, "
                        + "%d suppressions, %,d report rows, %,d archived), 0 quarantined, 0 in flight, DLQ 0").formatted(
                EVENTS, workload.unique(), workload.duplicates(), KILLS, depthsAtKill, recoveries.get(recoveries.size() / 2),
                recoveries.get(recoveries.size() - 1), crashedDrain.toMillis() / 1000.0, referenceDrain.toMillis() / 1000.0, actual.events(),
                actual.messages().size(), actual.suppressions().size(), actual.reports().values().stream().mapToLong(Long::longValue).sum(),
                actual.archived()));
    }

    private static void enqueue(Workload workload, String run, Instant base) {
        Population population = Population.arrange(run, EVENTS / 5);
        Queue.send(workload.bodies(population, base));
    }
}
