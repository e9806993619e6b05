package org.mailpulse.message.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.UUID;

/**
 * Listens on PostgreSQL channel {@code mailpulse_status} (filled by a trigger at commit, whichever replica
 * committed) and fans the changes out to live subscribers. Each subscriber has its own bounded buffer: one that
 * stops reading is cut off when it overflows, and nobody else, ingestion least of all, waits for it.
 * <p>
 * The listening connection is borrowed from the datasource's own pool and kept, so it is opened exactly as the
 * application's other connections are: TLS mode and trust, credentials provider, everything under
 * {@code quarkus.datasource.*}. When it breaks, another one is borrowed and listens again.
 */
@ApplicationScoped
public class StatusFeed {

    /** One committed status change, as the trigger announces it. */
    public record StatusChanged(UUID campaignId, UUID customerId, String sesMessageId, String from, String to, String at) {
    }

    static final int SUBSCRIBER_BUFFER = 1_000;
    static final String CHANNEL = "mailpulse_status";

    private final Pool pool;
    private final ObjectMapper json;
    private final BroadcastProcessor<StatusChanged> changes = BroadcastProcessor.create();
    private volatile PgConnection connection;
    private volatile boolean stopped;

    public StatusFeed(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        listen();
    }

    private void listen() {
        if (stopped) {
            return;
        }
        pool.getConnection()
                .map(PgConnection::cast)
                .call(pg -> {
                    pg.notificationHandler(notification -> publish(notification.getPayload()));
                    return pg.query("LISTEN " + CHANNEL).execute()
                            .onFailure().call(failure -> pg.close().onFailure().recoverWithNull());
                })
                // only a connection that listens is watched, so a failed attempt is retried once, not twice
                .invoke(pg -> pg.closeHandler(() -> relisten(pg)))
                .onFailure().invoke(failure -> Log.warnf("Status feed not connected yet (%s); retrying", failure.getMessage()))
                .onFailure(failure -> !stopped).retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(pg -> {
                    connection = pg;
                    Log.debug("Listening for status changes");
                }, failure -> Log.debugf("Status feed stopped (%s)", failure.getMessage()));
    }

    private void relisten(PgConnection closed) {
        if (connection == closed) {
            connection = null;
        }
        if (!stopped) {
            Log.warn("Status feed connection lost; listening again");
            listen();
        }
    }

    private void publish(String payload) {
        try {
            changes.onNext(json.readValue(payload, StatusChanged.class));
        } catch (Exception e) {
            Log.warnf("Unreadable status notification: %s", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        PgConnection current = connection;
        if (current != null) {
            current.closeAndForget();
        }
    }

    /** The changes of one campaign's messages from now on. */
    public Multi<StatusChanged> of(UUID campaignId) {
        return changes.filter(change -> campaignId.equals(change.campaignId()))
                .onOverflow().buffer(SUBSCRIBER_BUFFER);
    }
}
