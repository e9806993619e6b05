package org.mailpulse.webhook.delivery;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.webhook.WebhookConfig;
import org.mailpulse.webhook.repository.WebhookDeliveryRepository;

import java.util.function.IntFunction;

/**
 * Deletes delivered and given-up deliveries after mailpulse.webhooks.retention, then the outbox rows nothing refers
 * to. Pending deliveries are never deleted. Small slices, so no long lock; several replicas at once are harmless.
 */
@ApplicationScoped
public class WebhookRetention {

    private static final int SLICE = 5_000;

    private final WebhookDeliveryRepository deliveries;
    private final WebhookConfig config;

    public WebhookRetention(WebhookDeliveryRepository deliveries, WebhookConfig config) {
        this.deliveries = deliveries;
        this.config = config;
    }

    @Scheduled(every = "${mailpulse.webhooks.purge-every:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> purge() {
        return purge(slice -> deliveries.purgeDeliveries(config.retention(), slice))
                .chain(rows -> purge(slice -> deliveries.purgeOutbox(config.retention(), slice))
                        .invoke(outbox -> Log.debugf("Purged %d webhook deliveries and %d outbox rows", rows, outbox)))
                .replaceWithVoid();
    }

    private Uni<Long> purge(IntFunction<Uni<Integer>> slice) {
        return slice.apply(SLICE)
                .chain(deleted -> deleted < SLICE
                        ? Uni.createFrom().item((long) deleted)
                        : purge(slice).map(more -> more + deleted));
    }
}
