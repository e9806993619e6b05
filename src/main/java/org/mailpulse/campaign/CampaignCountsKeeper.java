package org.mailpulse.campaign;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.repository.CampaignCountsRepository;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the campaign counts: folds the deltas every few seconds, and recounts every campaign now and then. The
 * recount's drift (0 unless something changed messages behind the triggers' back) is the gauge
 * {@code mailpulse_campaign_count_drift}; every counter it corrected adds to {@code mailpulse_campaign_count_corrections_total}.
 */
@Startup
@ApplicationScoped
public class CampaignCountsKeeper {

    private final CampaignCountsRepository counts;
    private final CountsConfig config;
    private final AtomicLong lastDrift = new AtomicLong();
    private final Counter corrections;

    public CampaignCountsKeeper(CampaignCountsRepository counts, CountsConfig config, MeterRegistry registry) {
        this.counts = counts;
        this.config = config;
        Gauge.builder("mailpulse.campaign.count.drift", lastDrift, AtomicLong::get)
                .description("Messages by which the kept campaign counts differed from a recount, at the last reconciliation")
                .register(registry);
        this.corrections = Counter.builder("mailpulse.campaign.count.corrections")
                .description("Kept campaign counters corrected by the reconciliation").register(registry);
    }

    @Scheduled(every = "${mailpulse.counts.fold-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> foldScheduled() {
        return fold().replaceWithVoid();
    }

    @Scheduled(every = "${mailpulse.counts.reconcile-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reconcileScheduled() {
        return reconcile().replaceWithVoid();
    }

    /** Folds slice by slice until a slice comes back short; emits the deltas folded. */
    public Uni<Long> fold() {
        return counts.fold(config.foldSlice()).chain(taken -> taken < config.foldSlice()
                ? Uni.createFrom().item((long) taken)
                : fold().map(more -> more + taken));
    }

    /** Recounts and corrects; emits the drift found, or null if another replica is reconciling. */
    public Uni<CampaignCountsRepository.Drift> reconcile() {
        return counts.reconcile().invoke(drift -> {
            if (drift == null) {
                return;
            }
            lastDrift.set(drift.total());
            corrections.increment(drift.counters());
            if (drift.total() > 0) {
                Log.warnf("Campaign counts were off by %d message(s) in %d counter(s); corrected", drift.total(), drift.counters());
            }
        });
    }
}
