package org.mailpulse.ses.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** The shared send-rate schedule row ({@code send_rate_schedule}, id 1), moved forward by the database's clock. */
@ApplicationScoped
public class SendScheduleRepository {

    /** $1: the reserved slots' length in microseconds. Returns how long until the first slot, by the database's clock. */
    private static final String RESERVE = """
            WITH clock AS (SELECT clock_timestamp() AS now)
            UPDATE send_rate_schedule s SET next_at = greatest(s.next_at, clock.now) + $1::bigint * interval '1 microsecond'
            FROM clock WHERE s.id = 1
            RETURNING (extract(epoch FROM s.next_at - clock.now) * 1000000)::bigint - $1::bigint AS wait_micros
            """;
    private static final String PAUSE = """
            UPDATE send_rate_schedule SET next_at = greatest(next_at, clock_timestamp() + $1::bigint * interval '1 millisecond') WHERE id = 1
            """;

    private final Pool pool;

    public SendScheduleRepository(Pool pool) {
        this.pool = pool;
    }

    /** Reserves slots of {@code lengthMicros} in all; returns the microseconds until the first (negative if it is past). */
    public Uni<Long> reserve(long lengthMicros) {
        return pool.preparedQuery(RESERVE).execute(Tuple.of(lengthMicros)).map(rows -> rows.iterator().next().getLong("wait_micros"));
    }

    /** Moves the schedule so that no slot starts before the pause is over. */
    public Uni<Void> pause(Duration pause) {
        return pool.preparedQuery(PAUSE).execute(Tuple.of(pause.toMillis())).replaceWithVoid();
    }
}
