package org.mailpulse.ses;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.ses.quota.QuotaGuard;
import org.mailpulse.ses.repository.SendScheduleRepository;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps all replicas together at the effective send rate ({@link QuotaGuard#effectiveRate()}: the configured
 * {@code max-rate}, or the SES account's if lower) and within what is left of the 24-hour quota. The send slots
 * form one schedule in PostgreSQL ({@code send_rate_schedule}): a sender reserves as many consecutive slots as it
 * claimed messages, spaced (1 s + {@link #MARGIN}) / rate apart, so that rate + 1 consecutive slots span more than a
 * second by the margin whichever replicas they went to. Each call waits for its slot without blocking a thread, on
 * one of the SES client's own event loops ({@link SesEventLoops}, consecutive slots in turn), and goes on from there; one
 * that comes to its slot more than {@link #LATE_TOLERANCE} late (a timer fired late on a busy machine) takes a fresh
 * slot rather than going at once, so a late call never crowds the next slots. The margin less the tolerance covers
 * the jitter between the call's start and its arrival at SES, and the replicas' clock error.
 * <p>
 * Slots are placed by the database's clock; each replica maps it to its own from the round trip with the least
 * uncertainty seen ({@link DatabaseClock}). A throttling answer from SES pushes the schedule back for every replica.
 */
@ApplicationScoped
public class SendRateLimiter {

    /**
     * Covers, less {@link #LATE_TOLERANCE}, the arrival jitter and the replicas' clock error: 45 ms uses 95.7 % of the
     * rate (1 / 1.045). Measured at the simulator, two and three replicas on one busy 2-core machine stayed within the
     * rate in every one-second window with 45 ms (SendRateIT, ScaleBenchmark); 40 ms once let 101 of 100/s through.
     */
    static final Duration MARGIN = Duration.ofMillis(45);
    /** A call this late for its slot would crowd the next slots: it takes a fresh slot instead. */
    static final Duration LATE_TOLERANCE = Duration.ofMillis(15);
    /** The first slot of a reservation is no sooner than this: the round trips before the first call fit in. */
    static final Duration LEAD = Duration.ofMillis(50);
    /** How far one reservation follows the clock mapping back (see {@link #placed}). */
    static final Duration SLEW = Duration.ofMillis(1);

    private final SendScheduleRepository schedule;
    private final QuotaGuard quota;
    private final SesEventLoops sesLoops;
    private final DatabaseClock clock = new DatabaseClock();
    private final Counter missedSlots;
    private final Timer lateness;
    private volatile long pausedUntilNanos = System.nanoTime();
    /** The latest slot this replica was granted, by the schedule's clock and by this JVM's (guarded by this). */
    private long lastSlotMicros = Long.MIN_VALUE;
    private long lastSlotNanos;

    public SendRateLimiter(SendScheduleRepository schedule, QuotaGuard quota, SesEventLoops sesLoops, MeterRegistry registry) {
        this.schedule = schedule;
        this.quota = quota;
        this.sesLoops = sesLoops;
        this.missedSlots = registry.counter("mailpulse.send.slots.missed");
        // How late the timers of the slots fire: on a starved machine they fire late, and past the tolerance a slot is lost.
        this.lateness = Timer.builder("mailpulse.send.slot.lateness").description("How late each send slot's timer fired")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), LATE_TOLERANCE,
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100))
                .register(registry);
    }

    /** SendEmail calls per second for all replicas together, now. */
    public int rate() {
        return quota.effectiveRate();
    }

    /** The distance of two send slots: (1 s + the margin) / rate, so no second holds more than rate starts. */
    static long spacingMicros(int rate) {
        return Duration.ofSeconds(1).plus(MARGIN).toNanos() / 1000 / Math.max(1, rate);
    }

    /** When slot {@code index} of slots starting at {@code firstNanos} is due; never before a throttling pause ends. */
    static long dueNanos(long firstNanos, int index, long spacingMicros, long pausedUntilNanos) {
        return Math.max(firstNanos + index * spacingMicros * 1000, pausedUntilNanos);
    }

    /** The timer for a slot due at {@code dueNanos}, in whole milliseconds rounded up (a sub-millisecond timer is refused). */
    static long waitMillis(long dueNanos, long nowNanos) {
        return (dueNanos - nowNanos + 999_999) / 1_000_000;
    }

    /** Whether a call that comes at {@code nowNanos} to a slot due at {@code dueNanos} is still in its slot. */
    static boolean inSlot(long dueNanos, long nowNanos) {
        return nowNanos - dueNanos <= LATE_TOLERANCE.toNanos();
    }

    /**
     * Reserves up to {@code count} consecutive send slots; fewer (down to none) when the 24-hour quota has no more
     * left for all replicas together.
     */
    public Uni<Slots> reserve(int count) {
        long spacing = spacingMicros(rate());
        long sent = System.nanoTime();
        return schedule.reserve(count, spacing, LEAD.toNanos() / 1000).map(reservation -> {
            clock.sample(sent, System.nanoTime(), reservation.nowMicros());
            return new Slots(reservation.granted(), placed(reservation.firstMicros(), reservation.granted(), spacing), spacing);
        });
    }

    /**
     * This JVM's time of a reservation's first slot. When a better round trip has moved the clock mapping back since
     * this replica's previous reservation, the slots follow it by at most {@link #SLEW} per reservation, so that they
     * cannot bunch onto the previous ones.
     */
    private synchronized long placed(long firstMicros, int granted, long spacing) {
        long mapped = clock.localNanos(firstMicros);
        if (granted == 0) {
            return mapped;
        }
        long first = lastSlotMicros == Long.MIN_VALUE || firstMicros <= lastSlotMicros ? mapped
                : Math.max(mapped, lastSlotNanos + (firstMicros - lastSlotMicros) * 1000 - SLEW.toNanos());
        long lastMicros = firstMicros + (granted - 1) * spacing;
        if (lastMicros > lastSlotMicros) {
            lastSlotMicros = lastMicros;
            lastSlotNanos = first + (granted - 1) * spacing * 1000;
        }
        return first;
    }

    /** SES said slow down: no replica starts a send before the pause is over. */
    public Uni<Void> pause(Duration pause) {
        pausedUntilNanos = Math.max(pausedUntilNanos, System.nanoTime() + pause.toNanos());
        return schedule.pause(pause);
    }

    /** The daily quota had no slot left for a call that missed its own. */
    public static final class QuotaUsedUpException extends RuntimeException {
        QuotaUsedUpException() {
            super("no send slot left in the 24-hour quota");
        }
    }

    /** Consecutive send slots, the first at {@code firstNanos} (this JVM's clock). */
    public final class Slots {

        private final int granted;
        private final long firstNanos;
        private final long spacingMicros;

        Slots(int granted, long firstNanos, long spacingMicros) {
            this.granted = granted;
            this.firstNanos = firstNanos;
            this.spacingMicros = spacingMicros;
        }

        /** How many slots were granted: the first {@code granted()} claimed messages may be sent. */
        public int granted() {
            return granted;
        }

        /** When the last granted slot is due (this JVM's clock). */
        public long lastDueNanos() {
            return dueNanos(firstNanos, Math.max(0, granted - 1), spacingMicros, pausedUntilNanos);
        }

        /**
         * Completes on one of the SES client's event loops when slot {@code index} (or, if that has passed, a fresh one) has
         * come and no throttling pause is on; fails with {@link QuotaUsedUpException} if a fresh one was needed and
         * the quota has none left.
         */
        public Uni<Void> await(int index) {
            long due = dueNanos(firstNanos, index, spacingMicros, pausedUntilNanos);
            Context context = Vertx.currentContext();
            Uni<Void> timer = Uni.createFrom().emitter(emitter -> {
                long waitMillis = waitMillis(due, System.nanoTime());
                Runnable fire = () -> emitter.complete(null);
                if (waitMillis <= 0) {
                    sesLoops.loop(index).execute(fire);
                } else {
                    sesLoops.loop(index).schedule(fire, waitMillis, TimeUnit.MILLISECONDS);
                }
            });
            // Checked when the timer has fired, right before the call: a busy machine fires timers late too.
            return timer.chain(() -> {
                long now = System.nanoTime();
                lateness.record(Math.max(0, now - due), TimeUnit.NANOSECONDS);
                if (inSlot(due, now)) {
                    return Uni.createFrom().voidItem();
                }
                missedSlots.increment();
                Uni<Void> fresh = Uni.createFrom().deferred(() -> reserve(1)).chain(slots -> slots.granted() == 0
                        ? Uni.createFrom().failure(new QuotaUsedUpException()) : slots.await(0));
                // The reservation is the database's business: back on the caller's context for it.
                return context == null ? fresh : fresh.runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
            });
        }
    }
}
