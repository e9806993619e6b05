package org.mailpulse.report.reputation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.repository.CampaignStatusRepository;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.report.repository.ReputationRatesRepository;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches the hard-bounce and complaint rates of the messages sent in the rolling window. When either reaches
 * its limit, every queued or sending campaign is paused with the reason; they resume only by the explicit resume
 * call. The guard pauses on the change from healthy to over the limit, so an operator's deliberate resume while
 * the rates are still high is not undone a minute later.
 */
@ApplicationScoped
public class ReputationGuard {

    public record Rates(long sent, long hardBounces, long complaints, double bounceRate, double complaintRate, boolean overLimit, String reason) {
    }

    private final ReputationRatesRepository counts;
    private final CampaignStatusRepository campaigns;
    private final MailPulseConfig.Reputation config;
    private final AtomicReference<Rates> last = new AtomicReference<>(new Rates(0, 0, 0, 0, 0, false, null));

    public ReputationGuard(ReputationRatesRepository counts, CampaignStatusRepository campaigns, MailPulseConfig config, MeterRegistry registry) {
        this.counts = counts;
        this.campaigns = campaigns;
        this.config = config.reputation();
        Gauge.builder("mailpulse.reputation.bounce.rate", last, r -> r.get().bounceRate()).register(registry);
        Gauge.builder("mailpulse.reputation.complaint.rate", last, r -> r.get().complaintRate()).register(registry);
        Gauge.builder("mailpulse.reputation.over.limit", last, r -> r.get().overLimit() ? 1 : 0).register(registry);
    }

    @Scheduled(every = "${mailpulse.reputation.check-every:1m}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return config.enabled() ? check().replaceWithVoid() : Uni.createFrom().voidItem();
    }

    /** Measures the rates and pauses sending if they just crossed a limit. */
    public Uni<Rates> check() {
        return counts.sentWithin(config.window()).chain(measured -> {
            Rates rates = rates(measured);
            Rates before = last.getAndSet(rates);
            if (!rates.overLimit() || before.overLimit()) {
                return Uni.createFrom().item(rates);
            }
            Log.warnf("Reputation guard: %s; pausing every queued and sending campaign", rates.reason());
            return campaigns.pauseAll("reputation guard: " + rates.reason()).replaceWith(rates);
        });
    }

    public Rates lastRates() {
        return last.get();
    }

    private Rates rates(ReputationRatesRepository.Counts measured) {
        long sent = measured.sent();
        long hard = measured.hardBounces();
        long complaints = measured.complaints();
        double bounceRate = sent == 0 ? 0 : (double) hard / sent;
        double complaintRate = sent == 0 ? 0 : (double) complaints / sent;
        String reason = null;
        if (sent >= config.minVolume()) {
            if (bounceRate >= config.bounceLimit()) {
                reason = String.format(Locale.ROOT, "hard-bounce rate %.2f%% reached the limit of %.2f%% over %d sends",
                        bounceRate * 100, config.bounceLimit() * 100, sent);
            } else if (complaintRate >= config.complaintLimit()) {
                reason = String.format(Locale.ROOT, "complaint rate %.3f%% reached the limit of %.3f%% over %d sends",
                        complaintRate * 100, config.complaintLimit() * 100, sent);
            }
        }
        return new Rates(sent, hard, complaints, bounceRate, complaintRate, reason != null, reason);
    }
}
