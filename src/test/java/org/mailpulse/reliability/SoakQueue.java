package org.mailpulse.reliability;

import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The scenario's own async SQS client on the embedded ElasticMQ (the benchmark's {@code BenchQueue} in short):
 * {@code SendMessageBatch} of ten with a bounded number outstanding, either as fast as that allows or paced at a
 * steady rate, and the depth of a queue. A refused or failed send is counted, not thrown, so the run carries on
 * and the failure shows in the figures.
 */
final class SoakQueue implements AutoCloseable {

    static final int BATCH = 10;

    private final SqsAsyncClient sqs;
    private final int inflight;
    private final Semaphore permits;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private long maxBehindNanos;

    SoakQueue(int inflight) {
        URI queue = URI.create(TestServers.queueUrl());
        this.inflight = inflight;
        this.permits = new Semaphore(inflight);
        this.sqs = SqsAsyncClient.builder()
                .endpointOverride(URI.create(queue.getScheme() + "://" + queue.getAuthority()))
                .region(Region.of(EmbeddedSqsServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedSqsServer.ACCESS_KEY, EmbeddedSqsServer.SECRET_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(inflight + 8))
                .build();
    }

    /** Sends {@code count} bodies (rounded up to whole batches) as fast as the outstanding batches allow, and waits for the last. */
    void burst(SoakEvents events, long count) throws InterruptedException {
        for (long sent = 0; sent < count; sent += BATCH) {
            sendBatch(events);
        }
        awaitOutstanding();
    }

    /**
     * Sends {@code rate} bodies per second from {@code startNanos} until {@code endNanos}: batch k goes out at
     * start + k·10/rate, never earlier; if the sender falls behind it catches up without waiting, and the largest
     * delay is kept ({@link #maxBehind()}).
     */
    void paced(SoakEvents events, double rate, long startNanos, long endNanos) throws InterruptedException {
        long batchNanos = Math.round(1e9 * BATCH / rate);
        for (long k = 0; ; k++) {
            long due = startNanos + k * batchNanos;
            if (due >= endNanos) {
                break;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            maxBehindNanos = Math.max(maxBehindNanos, -wait);
            sendBatch(events);
        }
        awaitOutstanding();
    }

    private void sendBatch(SoakEvents events) throws InterruptedException {
        if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no SendMessageBatch came back within 30 s");
        }
        String now = SesFixtures.sesTimestamp(Instant.now());
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(events.next(now)).build());
        }
        sqs.sendMessageBatch(b -> b.queueUrl(TestServers.queueUrl()).entries(entries)).whenComplete((response, error) -> {
            if (error != null) {
                failures.addAndGet(entries.size());
                firstFailure.compareAndSet(null, error);
            } else if (!response.failed().isEmpty()) {
                failures.addAndGet(response.failed().size());
                firstFailure.compareAndSet(null, new IllegalStateException("ElasticMQ refused: " + response.failed().get(0)));
            }
            permits.release();
        });
    }

    private void awaitOutstanding() throws InterruptedException {
        if (!permits.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sends still outstanding after 60 s");
        }
        permits.release(inflight);
    }

    /** Visible plus in-flight messages. */
    int depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .orTimeout(10, TimeUnit.SECONDS).join().attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Polls the input queue every 100 ms until it is empty; returns how long that took from {@code sinceNanos}. */
    Duration awaitEmpty(long sinceNanos, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int depth = depth(TestServers.queueUrl());
            long now = System.nanoTime();
            if (depth == 0) {
                return Duration.ofNanos(now - sinceNanos);
            }
            if (now > deadline) {
                throw new AssertionError("input queue still holds " + depth + " messages after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** Bodies that ElasticMQ refused or that could not be sent. */
    long failures() {
        return failures.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    /** The most a paced batch went out after its time. */
    Duration maxBehind() {
        return Duration.ofNanos(maxBehindNanos);
    }

    @Override
    public void close() {
        sqs.close();
    }
}
