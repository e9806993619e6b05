package org.mailpulse.ses;

/**
 * Maps the database's clock (epoch microseconds, read within a round trip) to this JVM's {@link System#nanoTime()}.
 * The reading is taken as the round trip's midpoint, so its error is at most half the round trip; the mapping kept is
 * the one with the least error, where a kept mapping's error grows with its age by the clocks' possible drift, so a
 * fresher one replaces it in time. Replicas that map the shared schedule this way agree on its slots to within their
 * best round trips, not their slowest.
 */
final class DatabaseClock {

    /** How far two clocks may drift apart, in microseconds per second (generous for NTP-disciplined clocks). */
    static final long DRIFT_MICROS_PER_SECOND = 20;

    private long offsetMicros;
    private long errorMicros = Long.MAX_VALUE;
    private long sampledAtNanos;

    /** A round trip sent at {@code sentNanos}, answered at {@code answeredNanos}, that read the database's clock as {@code dbMicros}. */
    synchronized void sample(long sentNanos, long answeredNanos, long dbMicros) {
        long error = (answeredNanos - sentNanos) / 2000;
        if (error <= currentError(answeredNanos)) {
            long midpointNanos = sentNanos + (answeredNanos - sentNanos) / 2;
            offsetMicros = dbMicros - midpointNanos / 1000;
            errorMicros = error;
            sampledAtNanos = answeredNanos;
        }
    }

    /** The kept mapping's error bound now. */
    synchronized long currentError(long nowNanos) {
        if (errorMicros == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return errorMicros + (nowNanos - sampledAtNanos) / 1_000_000_000L * DRIFT_MICROS_PER_SECOND;
    }

    /** This JVM's nanoTime of the database instant {@code dbMicros}. */
    synchronized long localNanos(long dbMicros) {
        return (dbMicros - offsetMicros) * 1000;
    }
}
