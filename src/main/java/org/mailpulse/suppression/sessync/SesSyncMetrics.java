package org.mailpulse.suppression.sessync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sync's meters: {@code mailpulse_ses_suppression_pending{action}}, {@code mailpulse_ses_suppression_calls_total{operation,outcome}},
 * {@code mailpulse_ses_suppression_imported_total} and {@code mailpulse_ses_suppression_import_last_success_seconds}.
 */
@ApplicationScoped
public class SesSyncMetrics {

    private final MeterRegistry registry;
    private final AtomicLong pendingPuts = new AtomicLong();
    private final AtomicLong pendingDeletes = new AtomicLong();
    private final AtomicLong lastImport = new AtomicLong();
    private final Counter imported;

    public SesSyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mailpulse.ses_suppression.pending", pendingPuts, AtomicLong::get).tag("action", "put")
                .description("Suppressions waiting to be put on the SES account list").register(registry);
        Gauge.builder("mailpulse.ses_suppression.pending", pendingDeletes, AtomicLong::get).tag("action", "delete")
                .description("Lifts waiting to be deleted from the SES account list").register(registry);
        Gauge.builder("mailpulse.ses_suppression.import.last_success", lastImport, AtomicLong::get).baseUnit("seconds")
                .description("When the SES account list was last read in completely (epoch seconds; 0: never)").register(registry);
        imported = Counter.builder("mailpulse.ses_suppression.imported")
                .description("Addresses newly suppressed from the SES account list").register(registry);
    }

    /** One SES call: operation put, delete or list; outcome ok, retry (throttled or unavailable) or failed. */
    public void call(String operation, String outcome) {
        registry.counter("mailpulse.ses_suppression.calls", "operation", operation, "outcome", outcome).increment();
    }

    public void pending(long puts, long deletes) {
        pendingPuts.set(puts);
        pendingDeletes.set(deletes);
    }

    public void imported(int addresses) {
        imported.increment(addresses);
    }

    public void importSucceeded(Instant at) {
        lastImport.set(at.getEpochSecond());
    }
}
