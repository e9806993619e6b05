package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** The ingestion meters, named by Micrometer conventions (Prometheus adds _total, _seconds); registered at start so they read 0, not absent. */
@Startup
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final Counter quarantined;
    private final Counter ignored;
    private final Counter duplicates;
    private final Timer applyLatency;
    private final DistributionSummary queueLag;
    private final Counter failures;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.quarantined = Counter.builder("mailpulse.ingest.quarantined").description("SQS messages quarantined").register(registry);
        this.ignored = Counter.builder("mailpulse.ingest.ignored").description("SNS control messages recognised and skipped").register(registry);
        this.duplicates = Counter.builder("mailpulse.ingest.duplicates").description("Events skipped because they were applied before").register(registry);
        this.applyLatency = Timer.builder("mailpulse.ingest.batch.apply").description("Time to archive and apply one SQS batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.queueLag = DistributionSummary.builder("mailpulse.ingest.queue.lag").baseUnit("seconds")
                .description("Time from SQS enqueue to committed effect").publishPercentiles(0.5, 0.99).register(registry);
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
        queueLag.record(sinceEnqueue.toMillis() / 1000.0);
    }

    public void batchFailed() {
        failures.increment();
    }

    public void statusChange(StatusChange change) {
        registry.counter("mailpulse.message.status.transitions", "from", change.from().name(), "to", change.to().name()).increment();
    }
}
