package org.mailpulse.reliability;

import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts bodies on the input queue at a steady rate in batches of ten, in order, from its own thread. A batch the
 * queue refuses (the queue server is down) is retried until it goes through, as SNS retries its deliveries.
 */
final class SteadyProducer implements AutoCloseable {

    private final List<String> bodies;
    private final double perSecond;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final Thread thread;
    private volatile Throwable failure;

    SteadyProducer(List<String> bodies, double perSecond) {
        this.bodies = bodies;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "steady-producer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        try (SqsClient sqs = TestServers.sqs()) {
            for (int from = 0; from < bodies.size(); from += 10) {
                long due = start + (long) (from / perSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
                for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i - from)).messageBody(bodies.get(i)).build());
                }
                while (!send(sqs, entries)) {
                    retries.incrementAndGet();
                    Thread.sleep(200);
                }
                sent.addAndGet(entries.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private boolean send(SqsClient sqs, List<SendMessageBatchRequestEntry> entries) {
        try {
            return sqs.sendMessageBatch(b -> b.queueUrl(TestServers.queueUrl()).entries(entries)).failed().isEmpty();
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    int sent() {
        return sent.get();
    }

    int retries() {
        return retries.get();
    }

    /** Waits until every body is on the queue. */
    void awaitDone(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        if (failure != null) {
            throw new IllegalStateException("producer failed", failure);
        }
        if (thread.isAlive()) {
            throw new AssertionError("producer sent only " + sent() + " of " + bodies.size());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
