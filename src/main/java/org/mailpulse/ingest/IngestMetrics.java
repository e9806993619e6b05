package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The ingestion meters, named by Micrometer conventions (Prometheus adds _total, _seconds); registered at start so they
 * read 0, not absent. Latencies are histograms ({@code _bucket{le}}), so a percentile can be taken over all replicas
 * with {@code histogram_quantile}; the service-level objectives add exact bucket bounds at the values alerts use.
 */
@Startup
@ApplicationScoped
public class IngestMetrics {

    private static final Duration[] APPLY_SLOS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final Duration[] LAG_SLOS = {Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30)};

    private final MeterRegistry registry;
    private final Counter quarantined;
    private final Counter ignored;
    private final Counter duplicates;
    private final Timer applyLatency;
    private final Timer queueLag;
    private final Counter failures;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.quarantined = Counter.builder("mailpulse.ingest.quarantined").description("SQS messages quarantined").register(registry);
        this.ignored = Counter.builder("mailpulse.ingest.ignored").description("SNS control messages recognised and skipped").register(registry);
        this.duplicates = Counter.builder("mailpulse.ingest.duplicates").description("Events skipped because they were applied before").register(registry);
        this.applyLatency = Timer.builder("mailpulse.ingest.batch.apply").description("Time to archive and apply one SQS batch")
                .publishPercentileHistogram().serviceLevelObjectives(APPLY_SLOS)
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.queueLag = Timer.builder("mailpulse.ingest.queue.lag").description("Time from SQS enqueue to committed effect")
                .publishPercentileHistogram().serviceLevelObjectives(LAG_SLOS)
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1)).register(registry);
        this.failures = Counter.builder("mailpulse.ingest.batch.failures").description("Batches left on the queue because a store failed").register(registry);
    }

    public void applied(SesEvent event) {
        registry.counter("mailpulse.ingest.events", "type", event.type().code(), "outcome", "applied").increment();
    }

    public void duplicates(int count) {
        duplicates.increment(count);
    }

    public void quarantined() {
        quarantined.increment();
    }

    public void ignored() {
        ignored.increment();
    }

    public void batchApplied(Duration elapsed) {
        applyLatency.record(elapsed);
    }

    public void lag(Duration sinceEnqueue) {
        queueLag.record(sinceEnqueue);
    }

    public void batchFailed() {
        failures.increment();
    }

    public void statusChange(StatusChange change) {
        registry.counter("mailpulse.message.status.transitions", "from", change.from().name(), "to", change.to().name()).increment();
    }
}
