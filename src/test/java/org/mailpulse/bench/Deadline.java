package org.mailpulse.bench;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/** The benchmark's hard time limit; every wait goes through it so that a stuck phase fails with what it was doing. */
final class Deadline {

    private final Duration budget;
    private final long endNanos;

    private Deadline(Duration budget) {
        this.budget = budget;
        this.endNanos = System.nanoTime() + budget.toNanos();
    }

    static Deadline after(Duration budget) {
        return new Deadline(budget);
    }

    long remainingNanos() {
        return Math.max(0, endNanos - System.nanoTime());
    }

    void check(String doing) {
        if (remainingNanos() == 0) {
            throw expired(doing);
        }
    }

    <T> T await(Future<T> future, String doing) {
        try {
            return future.get(remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw expired(doing);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed while " + doing + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + doing, e);
        }
    }

    void acquire(Semaphore semaphore, int permits, String doing) {
        try {
            if (!semaphore.tryAcquire(permits, remainingNanos(), TimeUnit.NANOSECONDS)) {
                throw expired(doing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + doing, e);
        }
    }

    void sleep(Duration pause, String doing) {
        check(doing);
        try {
            Thread.sleep(Math.min(pause.toMillis(), TimeUnit.NANOSECONDS.toMillis(remainingNanos()) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + doing, e);
        }
    }

    /** Sleeps until {@code System.nanoTime()} reaches {@code dueNanos}; returns at once if it has. */
    void sleepUntil(long dueNanos, String doing) {
        for (long wait = dueNanos - System.nanoTime(); wait > 0; wait = dueNanos - System.nanoTime()) {
            check(doing);
            LockSupport.parkNanos(Math.min(wait, remainingNanos() + 1));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while " + doing);
            }
        }
    }

    private AssertionError expired(String doing) {
        return new AssertionError("Benchmark exceeded its " + budget.toMinutes() + "-minute limit (bench.timeout.minutes) while " + doing);
    }
}
