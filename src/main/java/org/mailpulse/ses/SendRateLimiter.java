package org.mailpulse.ses;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ses.repository.SendScheduleRepository;

import java.time.Duration;

/**
 * Keeps all replicas together under {@code max-rate} SendEmail calls per second. The send slots form one schedule
 * in PostgreSQL ({@code send_rate_schedule}): a sender reserves as many consecutive slots as it claimed messages,
 * spaced (1 s + a margin for network jitter) / max-rate apart, so no window of one second holds more than max-rate
 * starts whichever replicas the slots went to. Each call then waits for its slot without blocking a thread; a call
 * that comes to its slot too late (a replica that fell behind, e.g. while its JIT warms up) reserves a fresh one
 * rather than going at once. A throttling answer from SES pushes the schedule back for every replica.
 */
@ApplicationScoped
public class SendRateLimiter {

    static final Duration MARGIN = Duration.ofMillis(200);
    /** A call this late for its slot would crowd other replicas' slots: it takes a fresh slot instead. */
    static final Duration LATE_TOLERANCE = MARGIN.dividedBy(4);

    private final SendScheduleRepository schedule;
    private final long spacingMicros;
    private final Counter missedSlots;
    private volatile long pausedUntilNanos = System.nanoTime();

    public SendRateLimiter(SendScheduleRepository schedule, MailPulseConfig config, MeterRegistry registry) {
        this.schedule = schedule;
        this.spacingMicros = spacingMicros(config.sending().maxRate());
        this.missedSlots = registry.counter("mailpulse.send.slots.missed");
    }

    /** The distance of two send slots: (1 s + the margin) / max-rate, so no second holds more than max-rate starts. */
    static long spacingMicros(int maxRate) {
        return Duration.ofSeconds(1).plus(MARGIN).toNanos() / 1000 / Math.max(1, maxRate);
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
     * Reserves {@code count} consecutive send slots. The database's clock is read somewhere within the round trip;
     * its midpoint is taken for it, so replicas with slower round trips do not shift their slots onto the next ones.
     */
    public Uni<Slots> reserve(int count) {
        long sent = System.nanoTime();
        return schedule.reserve(count * spacingMicros).map(waitMicros -> {
            long answered = System.nanoTime();
            long waitNanos = Math.max(0, waitMicros) * 1000;
            return new Slots(sent + (answered - sent) / 2 + waitNanos);
        });
    }

    /** SES said slow down: no replica starts a send before the pause is over. */
    public Uni<Void> pause(Duration pause) {
        pausedUntilNanos = Math.max(pausedUntilNanos, System.nanoTime() + pause.toNanos());
        return schedule.pause(pause);
    }

    /** Consecutive send slots, the first at {@code firstNanos} (this JVM's clock). */
    public final class Slots {

        private final long firstNanos;

        Slots(long firstNanos) {
            this.firstNanos = firstNanos;
        }

        /** Completes when slot {@code index} (or, if that has passed, a fresh one) has come and no throttling pause is on. */
        public Uni<Void> await(int index) {
            long due = dueNanos(firstNanos, index, spacingMicros, pausedUntilNanos);
            long waitMillis = waitMillis(due, System.nanoTime());
            Uni<Void> slot = Uni.createFrom().voidItem();
            Uni<Void> timer = waitMillis <= 0 ? slot : slot.onItem().delayIt().by(Duration.ofMillis(waitMillis));
            // Checked when the timer has fired, right before the call: a busy machine fires timers late too.
            return timer.chain(() -> {
                if (inSlot(due, System.nanoTime())) {
                    return slot;
                }
                missedSlots.increment();
                return reserve(1).chain(fresh -> fresh.await(0));
            });
        }
    }
}
