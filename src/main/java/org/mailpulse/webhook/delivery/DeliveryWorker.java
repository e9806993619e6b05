package org.mailpulse.webhook.delivery;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.mailpulse.common.Backoff;
import org.mailpulse.webhook.WebhookConfig;
import org.mailpulse.webhook.repository.WebhookDeliveryRepository;
import org.mailpulse.webhook.repository.WebhookDeliveryRepository.Claimed;
import org.mailpulse.webhook.repository.WebhookEndpointRepository;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends due deliveries, on every replica. A claim (one statement, {@code FOR UPDATE SKIP LOCKED}) takes as many as
 * this replica has free slots, at most concurrency-per-endpoint per endpoint, and leases them; each is then POSTed
 * on its own, so a slow endpoint holds only its own slots. The outcome is written back: delivered on any 2xx,
 * otherwise pending again after an exponential back-off with jitter (given up after retry-for), and the endpoint's
 * run of failures is counted. A replica that dies leaves its leased deliveries to be claimed again when the lease
 * ends: at least once, with the same webhook-id.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final String USER_AGENT = "MailPulse-Webhooks/1";
    private static final int MAX_ERROR_LENGTH = 500;

    private final WebhookDeliveryRepository deliveries;
    private final WebhookEndpointRepository endpoints;
    private final TargetGuard guard;
    private final WebhookConfig config;
    private final WebhookMetrics metrics;
    private final WebClient client;
    private final Duration lease;
    private final Map<UUID, Integer> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean moreDue;
    private volatile boolean stopping;
    private final Vertx vertx;
    private long timer = -1;

    public DeliveryWorker(WebhookDeliveryRepository deliveries, WebhookEndpointRepository endpoints, TargetGuard guard,
                          WebhookConfig config, WebhookMetrics metrics, Vertx vertx) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.guard = guard;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
        this.lease = config.timeout().multipliedBy(2).plusSeconds(30);
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setUserAgent(USER_AGENT)
                .setConnectTimeout((int) config.timeout().toMillis())
                .setForceSni(true)
                .setVerifyHost(true)
                .setMaxPoolSize(config.maxInFlight()));
    }

    // A Vert.x timer rather than @Scheduled, which does not go below one second
    void start(@Observes StartupEvent event) {
        if (config.deliveryEnabled()) {
            timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pump());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Claims as many deliveries as there are free slots, unless a claim is already under way. */
    private void pump() {
        int free = config.maxInFlight() - total.get();
        if (stopping || free <= 0 || !claiming.compareAndSet(false, true)) {
            return;
        }
        deliveries.claim(free, Map.copyOf(inFlight), config.concurrencyPerEndpoint(), lease)
                .subscribe().with(claimed -> {
                    claimed.forEach(this::start);
                    moreDue = !claimed.isEmpty(); // each completion then claims again, until a claim comes back empty
                    claiming.set(false);
                }, failure -> {
                    Log.warnf("Could not claim webhook deliveries: %s", failure.toString());
                    claiming.set(false);
                });
    }

    private void start(Claimed delivery) {
        total.incrementAndGet();
        inFlight.merge(delivery.endpointId(), 1, Integer::sum);
        attempt(delivery).subscribe().with(ignored -> finish(delivery), failure -> {
            Log.warnf("Could not record the outcome of webhook delivery %s (it is retried when its lease ends): %s",
                    delivery.id(), failure.toString());
            finish(delivery);
        });
    }

    private void finish(Claimed delivery) {
        inFlight.computeIfPresent(delivery.endpointId(), (endpoint, count) -> count > 1 ? count - 1 : null);
        total.decrementAndGet();
        if (moreDue) {
            pump();
        }
    }

    private Uni<Void> attempt(Claimed delivery) {
        long started = System.nanoTime();
        return guard.check(delivery.url())
                .chain(target -> post(target, delivery))
                .onItemOrFailure().transformToUni((status, failure) -> {
                    long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
                    if (failure == null && status >= 200 && status < 300) {
                        metrics.delivered();
                        return deliveries.delivered(delivery.id(), status, latency).chain(() -> endpoints.succeededAttempt(delivery.endpointId()));
                    }
                    boolean refused = failure instanceof TargetGuard.RefusedTarget;
                    String error = failure == null ? "HTTP " + status : describe(failure);
                    return failed(delivery, failure == null ? status : null, latency, error, refused);
                });
    }

    private Uni<Integer> post(TargetGuard.Target target, Claimed delivery) {
        String id = delivery.id().toString();
        long timestamp = Instant.now().getEpochSecond();
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/" : target.uri().getRawPath();
        RequestOptions options = new RequestOptions()
                .setHost(target.host()).setPort(target.port()).setSsl(target.tls())
                .setURI(target.uri().getRawQuery() == null ? path : path + "?" + target.uri().getRawQuery())
                .setFollowRedirects(false)
                .setIdleTimeout(config.timeout().toMillis());
        return client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()), options)
                .putHeader("content-type", "application/json")
                .putHeader("webhook-id", id)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", WebhookSigner.signatures(id, timestamp, delivery.body(), delivery.secret(), delivery.previousSecret()))
                .as(BodyCodec.none())
                .sendBuffer(Buffer.buffer(delivery.body()))
                .ifNoItem().after(config.timeout()).failWith(() -> new DeliveryTimeout(config.timeout()))
                .map(HttpResponse::statusCode);
    }

    private Uni<Void> failed(Claimed delivery, Integer status, long latency, String error, boolean refused) {
        Duration backoff = jittered(Backoff.after(delivery.attempt(), config.initialBackoff(), config.maxBackoff()));
        return deliveries.failed(delivery.id(), status, latency, error, backoff, config.retryFor())
                .invoke(gaveUp -> {
                    if (gaveUp) {
                        metrics.gaveUp();
                        Log.warnf("Webhook delivery %s to endpoint %s given up after %d attempts: %s", delivery.id(), delivery.endpointId(), delivery.attempt(), error);
                    } else if (refused) {
                        metrics.refused();
                    } else {
                        metrics.failed();
                    }
                })
                .chain(() -> endpoints.failedAttempt(delivery.endpointId(), config.disableAfterFailures(), config.disableAfterFailingFor(), error))
                .invoke(disabled -> {
                    if (disabled) {
                        Log.warnf("Webhook endpoint %s disabled after %d failed attempts in a row; last: %s",
                                delivery.endpointId(), config.disableAfterFailures(), error);
                    }
                })
                .replaceWithVoid();
    }

    /** Between half and all of the back-off, so that receivers coming back are not hit by every retry at once. */
    private static Duration jittered(Duration backoff) {
        long half = Math.max(1, backoff.toMillis() / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > MAX_ERROR_LENGTH ? message.substring(0, MAX_ERROR_LENGTH) : message;
    }

    static final class DeliveryTimeout extends RuntimeException {
        DeliveryTimeout(Duration timeout) {
            super("no answer within " + timeout.toMillis() + " ms");
        }
    }
}
