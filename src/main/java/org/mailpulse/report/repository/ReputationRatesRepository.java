package org.mailpulse.report.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageLifecycle;

import java.time.Duration;

/** The counts the reputation guard measures: messages sent in a rolling window, their hard bounces and complaints. */
@ApplicationScoped
public class ReputationRatesRepository {

    public record Counts(long sent, long hardBounces, long complaints) {
    }

    private static final String RATES = """
            SELECT count(*) AS sent, count(*) FILTER (WHERE bounce_type = $2) AS hard, count(complained_at) AS complaints
            FROM campaign_recipients WHERE sent_at > now() - $1::bigint * interval '1 second'
            """;

    private final Pool pool;

    public ReputationRatesRepository(Pool pool) {
        this.pool = pool;
    }

    /** Counts the messages sent within {@code window} before now. */
    public Uni<Counts> sentWithin(Duration window) {
        return pool.preparedQuery(RATES).execute(Tuple.of(window.toSeconds(), MessageLifecycle.HARD_BOUNCE)).map(rows -> {
            Row row = rows.iterator().next();
            return new Counts(row.getLong("sent"), row.getLong("hard"), row.getLong("complaints"));
        });
    }
}
