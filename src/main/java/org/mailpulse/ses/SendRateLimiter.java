package org.mailpulse.ses;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;

import java.time.Duration;

/**
 * At most {@code max-rate} SendEmail calls start in any window of one second (plus a small margin for network
 * jitter, so SES's side of the count holds too). Each caller reserves the earliest start time that keeps the
 * last {@code max-rate} starts inside the window, then waits without blocking a thread. A throttling answer
 * from SES pauses every sender of this replica.
 */
@ApplicationScoped
public class SendRateLimiter {

    static final Duration MARGIN = Duration.ofMillis(200);

    private final long windowNanos;
    private final long[] starts;
    private int next;
    private long pausedUntil;

    public SendRateLimiter(MailPulseConfig config) {
        this.starts = new long[Math.max(1, config.sending().maxRate())];
        this.windowNanos = Duration.ofSeconds(1).plus(MARGIN).toNanos();
        long now = System.nanoTime();
        java.util.Arrays.fill(starts, now - windowNanos);
    }

    /** Completes when the caller may start one send. */
    public Uni<Void> acquire() {
        // Timers work in whole milliseconds (a sub-millisecond timer is refused): round the wait up.
        long waitMillis = (reserve() + 999_999) / 1_000_000;
        Uni<Void> permit = Uni.createFrom().voidItem();
        return waitMillis <= 0 ? permit : permit.onItem().delayIt().by(Duration.ofMillis(waitMillis));
    }

    /** SES said slow down: nobody on this replica starts a send before the pause is over. */
    public synchronized void pause(Duration pause) {
        pausedUntil = Math.max(pausedUntil, System.nanoTime() + pause.toNanos());
    }

    private synchronized long reserve() {
        long now = System.nanoTime();
        long start = Math.max(now, Math.max(starts[next] + windowNanos, pausedUntil));
        starts[next] = start;
        next = (next + 1) % starts.length;
        return start - now;
    }
}
