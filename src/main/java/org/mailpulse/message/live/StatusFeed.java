package org.mailpulse.message.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.UUID;

/**
 * Listens on PostgreSQL channel {@code mailpulse_status} (filled by a trigger at commit, whichever replica
 * committed) and fans the changes out to live subscribers. Each subscriber has its own bounded buffer: one that
 * stops reading is cut off when it overflows, and nobody else, ingestion least of all, waits for it.
 */
@ApplicationScoped
public class StatusFeed {

    /** One committed status change, as the trigger announces it. */
    public record StatusChanged(UUID campaignId, UUID customerId, String sesMessageId, String from, String to, String at) {
    }

    static final int SUBSCRIBER_BUFFER = 1_000;

    private final Vertx vertx;
    private final ObjectMapper json;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final BroadcastProcessor<StatusChanged> changes = BroadcastProcessor.create();
    private PgSubscriber subscriber;

    public StatusFeed(Vertx vertx, ObjectMapper json,
                      @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                      @ConfigProperty(name = "quarkus.datasource.username") String user,
                      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.json = json;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url)
                .setUser(user).setPassword(password.orElse(""));
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> 1_000L);
        subscriber.channel("mailpulse_status").handler(payload -> {
            try {
                changes.onNext(json.readValue(payload, StatusChanged.class));
            } catch (Exception e) {
                Log.warnf("Unreadable status notification: %s", e.getMessage());
            }
        });
        subscriber.connect().onFailure().retry().withBackOff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(ignored -> Log.debug("Listening for status changes"),
                failure -> Log.warnf("Status feed not connected yet (%s); retrying", failure.getMessage()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** The changes of one campaign's messages from now on. */
    public Multi<StatusChanged> of(UUID campaignId) {
        return changes.filter(change -> campaignId.equals(change.campaignId()))
                .onOverflow().buffer(SUBSCRIBER_BUFFER);
    }
}
