package org.mailpulse.reliability;

import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;

/** Waiting for the input queue to hold nothing, visible or in flight. */
final class Drains {

    private Drains() {
    }

    /** Waits until the input queue is empty; returns how long that took. */
    static Duration awaitEmpty(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        while (Queue.depth(TestServers.queueUrl()) > 0) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("input queue still holds " + Queue.depth(TestServers.queueUrl()) + " messages after " + timeout);
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static int depth() {
        return Queue.depth(TestServers.queueUrl());
    }
}
