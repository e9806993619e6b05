package org.mailpulse.ses.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The shared send schedule row ({@code send_rate_schedule}, id 1): the next free send slot, moved forward by the
 * database's clock, and what is left of SES's 24-hour quota for all replicas together.
 */
@ApplicationScoped
public class SendScheduleRepository {

    /**
     * $1: slots wanted, $2: their spacing in microseconds, $3: the earliest start from now, in microseconds. Grants
     * as many as the daily quota has left (all of them while it is unknown) and answers, by the database's clock, the
     * first granted slot and the time of the reservation (epoch microseconds). The row lock is taken before the quota
     * is read, so concurrent reservations count it down one after the other.
     */
    private static final String RESERVE = """
            WITH clock AS (SELECT clock_timestamp() AS now),
            grant_ AS (SELECT greatest(0, least($1::int, coalesce(daily_remaining, $1::int))) AS n
                       FROM send_rate_schedule WHERE id = 1 FOR UPDATE)
            UPDATE send_rate_schedule s SET
                next_at = CASE WHEN grant_.n = 0 THEN s.next_at
                          ELSE greatest(s.next_at, clock.now + $3::bigint * interval '1 microsecond') + grant_.n * $2::bigint * interval '1 microsecond' END,
                daily_remaining = s.daily_remaining - grant_.n
            FROM clock, grant_ WHERE s.id = 1
            RETURNING grant_.n AS granted, (extract(epoch FROM clock.now) * 1000000)::bigint AS now_micros,
                CASE WHEN grant_.n = 0 THEN 0 ELSE (extract(epoch FROM s.next_at) * 1000000)::bigint - grant_.n * $2::bigint END AS first_micros
            """;
    private static final String PAUSE = """
            UPDATE send_rate_schedule SET next_at = greatest(next_at, clock_timestamp() + $1::bigint * interval '1 millisecond') WHERE id = 1
            """;
    private static final String DAILY_REMAINING = "UPDATE send_rate_schedule SET daily_remaining = $1 WHERE id = 1";

    /** Slots granted by a reservation, the first at {@code firstMicros}, reserved at {@code nowMicros} (database clock, epoch µs). */
    public record Reservation(int granted, long firstMicros, long nowMicros) {
    }

    private final Pool pool;

    public SendScheduleRepository(Pool pool) {
        this.pool = pool;
    }

    /** Reserves up to {@code count} slots {@code spacingMicros} apart, the first no sooner than {@code leadMicros} from now. */
    public Uni<Reservation> reserve(int count, long spacingMicros, long leadMicros) {
        return pool.preparedQuery(RESERVE).execute(Tuple.of(count, spacingMicros, leadMicros)).map(rows -> {
            Row row = rows.iterator().next();
            return new Reservation(row.getInteger("granted"), row.getLong("first_micros"), row.getLong("now_micros"));
        });
    }

    /** Moves the schedule so that no slot starts before the pause is over. */
    public Uni<Void> pause(Duration pause) {
        return pool.preparedQuery(PAUSE).execute(Tuple.of(pause.toMillis())).replaceWithVoid();
    }

    /** Sets what is left of the 24-hour quota for all replicas; null: no limit. */
    public Uni<Void> setDailyRemaining(Long remaining) {
        return pool.preparedQuery(DAILY_REMAINING).execute(Tuple.of(remaining)).replaceWithVoid();
    }
}
