package org.mailpulse.webhook.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.webhook.repository.WebhookDeliveryRepository;
import org.mailpulse.webhook.repository.WebhookEndpointRepository;

/**
 * {@code mailpulse_webhook_deliveries_total{outcome}} per attempt (delivered, failed: to be retried, gave_up: retried
 * for the whole window, refused: the SSRF guard refused the target); {@code mailpulse_webhook_oldest_pending_seconds}
 * and {@code mailpulse_webhook_endpoints_disabled} read from the database, so every replica reports the same values.
 */
@Startup
@ApplicationScoped
public class WebhookMetrics {

    private final WebhookDeliveryRepository deliveries;
    private final WebhookEndpointRepository endpoints;
    private final Counter delivered;
    private final Counter failed;
    private final Counter gaveUp;
    private final Counter refused;
    private volatile double oldestPending;
    private volatile double disabled;

    public WebhookMetrics(MeterRegistry registry, WebhookDeliveryRepository deliveries, WebhookEndpointRepository endpoints) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.delivered = outcome(registry, "delivered");
        this.failed = outcome(registry, "failed");
        this.gaveUp = outcome(registry, "gave_up");
        this.refused = outcome(registry, "refused");
        Gauge.builder("mailpulse.webhook.oldest.pending.seconds", this, m -> m.oldestPending)
                .description("Age of the oldest delivery pending to an enabled endpoint").register(registry);
        Gauge.builder("mailpulse.webhook.endpoints.disabled", this, m -> m.disabled)
                .description("Webhook endpoints disabled, by hand or after a run of failures").register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("mailpulse.webhook.deliveries").tag("outcome", outcome)
                .description("Webhook delivery attempts by outcome").register(registry);
    }

    void delivered() {
        delivered.increment();
    }

    void failed() {
        failed.increment();
    }

    void gaveUp() {
        gaveUp.increment();
    }

    void refused() {
        refused.increment();
    }

    @Scheduled(every = "${mailpulse.webhooks.metrics-every:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return deliveries.oldestPendingSeconds().invoke(age -> oldestPending = age)
                .chain(endpoints::countDisabled).invoke(count -> disabled = count)
                .onFailure().invoke(e -> Log.warnf("Could not read the webhook gauges: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
