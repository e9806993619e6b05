package org.mailpulse.common;

import java.time.Duration;

/** The one exponential back-off: {@code initial} after the first failure, doubling after each further one, never above {@code max}. */
public final class Backoff {

    private Backoff() {
    }

    /** The wait after {@code failures} consecutive failures (1 for the first). */
    public static Duration after(int failures, Duration initial, Duration max) {
        long delay = initial.toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofMillis(Math.min(delay, max.toMillis()));
    }
}
