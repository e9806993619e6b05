package org.mailpulse.report.rollup;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.repository.RollupRepository;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * Computes the daily rollups of one day (UTC) per campaign and per recipient domain from that day's history
 * rows (one monthly partition, so the cost follows the day's events, not the history) and that day's sends.
 * A day is recomputed whole in one transaction (delete, insert), so re-running it gives the same rows. Counts are
 * of distinct messages: an open counts once per message and day however often it was opened.
 */
@ApplicationScoped
public class DailyRollup {

    /** Serialises rollups across replicas; a second runner skips instead of waiting. */
    public static final long LOCK = 0x6D61696C70756C73L; // "mailpuls"

    private final Pool pool;
    private final RollupRepository repository;

    public DailyRollup(Pool pool, RollupRepository repository) {
        this.pool = pool;
        this.repository = repository;
    }

    /** What a catch-up attempt at one day came to. */
    enum Outcome { COMPUTED, DONE_ALREADY, LOCKED_ELSEWHERE }

    /** Rolls up the day, again if it was done before; false if another replica holds the rollup lock. */
    public Uni<Boolean> rollUp(LocalDate day) {
        return underLock(connection -> repository.write(connection, day).replaceWith(true), false);
    }

    /**
     * Rolls up the day unless it is done already. The check runs under the lock, so that replicas whose schedules
     * fire together compute the day once: the one that waited sees the other's committed run and skips.
     */
    private Uni<Outcome> rollUpIfMissing(LocalDate day) {
        return underLock(connection -> repository.isDone(connection, day)
                .chain(done -> done
                        ? Uni.createFrom().item(Outcome.DONE_ALREADY)
                        : repository.write(connection, day).replaceWith(Outcome.COMPUTED)),
                Outcome.LOCKED_ELSEWHERE);
    }

    private <T> Uni<T> underLock(Function<SqlConnection, Uni<T>> work, T whenLocked) {
        return pool.withTransaction(connection -> repository.tryLock(connection, LOCK).chain(locked ->
                locked ? work.apply(connection) : Uni.createFrom().item(whenLocked)));
    }

    /**
     * Rolls up every day without a completed rollup, oldest first, from the first day ever rolled up (yesterday on a
     * new installation) but at most {@code maxDays} back, up to {@code yesterday}; returns the days it found missing.
     * Gaps are looked for, not just the days after the newest run, so a day that an admin re-run overtook is still
     * filled in. The first day another replica holds the lock for ends this run: that replica carries on through the
     * same days, whereas two replicas that each stepped over the day the other had locked could both leave one out.
     */
    public Uni<List<LocalDate>> catchUp(LocalDate yesterday, int maxDays) {
        return repository.missingDays(yesterday, yesterday.minusDays(maxDays - 1L)).chain(days ->
                Multi.createFrom().iterable(days)
                        .onItem().transformToUniAndConcatenate(day -> rollUpIfMissing(day).invoke(outcome -> {
                            if (outcome == Outcome.COMPUTED) {
                                Log.infof("Daily rollup of %s done", day);
                            }
                        }))
                        .select().first(outcome -> outcome != Outcome.LOCKED_ELSEWHERE)
                        .collect().last()
                        .replaceWith(days));
    }
}
