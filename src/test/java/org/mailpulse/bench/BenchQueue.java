package org.mailpulse.bench;

import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The benchmark's own SQS client on the embedded ElasticMQ: a batched async sender and a bare consumer. */
final class BenchQueue implements AutoCloseable {

    static final int BATCH = 10;
    private static final Duration POLL = Duration.ofMillis(100);

    private final SqsAsyncClient sqs;
    private final int inflight;

    BenchQueue(int inflight) {
        URI queue = URI.create(TestServers.queueUrl());
        this.inflight = inflight;
        this.sqs = SqsAsyncClient.builder()
                .endpointOverride(URI.create(queue.getScheme() + "://" + queue.getAuthority()))
                .region(Region.of(EmbeddedSqsServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedSqsServer.ACCESS_KEY, EmbeddedSqsServer.SECRET_KEY)))
                // Room for the receivers and depth polls beside the sends in flight.
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(inflight + 16))
                .build();
    }

    record Drain(Duration elapsed, int received, int receiveCalls) {
    }

    String createQueue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).join().queueUrl();
    }

    void deleteQueue(String queueUrl) {
        sqs.deleteQueue(b -> b.queueUrl(queueUrl)).join();
    }

    /**
     * Sends every body in batches of ten with {@code inflight} batches outstanding, replacing the placeholder time by
     * the moment each batch is built; a duplicate is sent exactly as its original went out. Returns the time until
     * the last batch was accepted.
     */
    Duration send(String queueUrl, String[] templates, int[] duplicateOf, Deadline deadline) {
        return send(queueUrl, templates, duplicateOf, 0, deadline);
    }

    /** As {@link #send(String, String[], int[], Deadline)}, but paced: batch k goes out at start + k·10/rate, never earlier. */
    Duration paced(String queueUrl, String[] templates, int[] duplicateOf, double rate, Deadline deadline) {
        return send(queueUrl, templates, duplicateOf, Math.round(1e9 * BATCH / rate), deadline);
    }

    /** {@code batchNanos}: the time between batches when paced, 0 for as fast as the outstanding batches allow. */
    private Duration send(String queueUrl, String[] templates, int[] duplicateOf, long batchNanos, Deadline deadline) {
        Map<Integer, String> sentOriginals = new HashMap<>();
        for (int original : duplicateOf) {
            if (original >= 0) {
                sentOriginals.put(original, null);
            }
        }
        Semaphore permits = new Semaphore(inflight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int from = 0; from < templates.length; from += BATCH) {
            if (batchNanos > 0) {
                deadline.sleepUntil(start + from / BATCH * batchNanos, "pacing the sends to " + queueUrl);
            }
            String now = SesFixtures.sesTimestamp(Instant.now());
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(templates.length, from + BATCH); i++) {
                String body = duplicateOf[i] >= 0 ? sentOriginals.get(duplicateOf[i]) : templates[i].replace(Workload.TIME_PLACEHOLDER, now);
                if (sentOriginals.containsKey(i)) {
                    sentOriginals.put(i, body);
                }
                entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i - from)).messageBody(body).build());
            }
            deadline.acquire(permits, 1, "enqueueing into " + queueUrl + " (" + from + " of " + templates.length + " sent)");
            failIfAny(failure, "enqueueing into " + queueUrl);
            sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).whenComplete((response, error) -> {
                recordFailure(failure, response, error);
                permits.release();
            });
        }
        deadline.acquire(permits, inflight, "waiting for the last batches sent to " + queueUrl);
        failIfAny(failure, "enqueueing into " + queueUrl);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Receives ten at a time with {@code receivers} concurrent long-pollers and batch-deletes, doing nothing else,
     * until {@code expected} messages are deleted; the time is taken when the last delete is acknowledged.
     */
    Drain drain(String queueUrl, int expected, int receivers, Deadline deadline) {
        AtomicInteger deleted = new AtomicInteger();
        AtomicInteger receiveCalls = new AtomicInteger();
        AtomicLong end = new AtomicLong();
        ReceiveMessageRequest request = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(BATCH).waitTimeSeconds(1).build();
        ExecutorService threads = Executors.newFixedThreadPool(receivers);
        long start = System.nanoTime();
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int r = 0; r < receivers; r++) {
                loops.add(threads.submit(() -> {
                    while (deleted.get() < expected) {
                        String doing = "draining " + queueUrl + " (" + deleted.get() + " of " + expected + " deleted)";
                        List<Message> messages = deadline.await(sqs.receiveMessage(request), doing).messages();
                        if (messages.isEmpty()) {
                            continue;
                        }
                        receiveCalls.incrementAndGet();
                        DeleteMessageBatchResponse response = deadline.await(sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletions(messages))), doing);
                        if (!response.failed().isEmpty()) {
                            throw new IllegalStateException("ElasticMQ refused deletes: " + response.failed().get(0));
                        }
                        if (deleted.addAndGet(messages.size()) >= expected) {
                            end.compareAndSet(0, System.nanoTime());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                deadline.await(loop, "draining " + queueUrl);
            }
        } finally {
            threads.shutdownNow();
        }
        return new Drain(Duration.ofNanos(end.get() - start), deleted.get(), receiveCalls.get());
    }

    /** Polls the depth until the queue is empty, i.e. every message is deleted. */
    void awaitEmpty(String queueUrl, Deadline deadline, String doing) {
        for (int depth = depth(queueUrl, deadline); depth > 0; depth = depth(queueUrl, deadline)) {
            deadline.sleep(POLL, doing + " (" + depth + " messages left)");
        }
    }

    /** Visible, in-flight and delayed messages: everything not deleted yet. */
    int depth(String queueUrl, Deadline deadline) {
        Map<QueueAttributeName, String> attributes = deadline.await(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)),
                "reading the depth of " + queueUrl).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static List<DeleteMessageBatchRequestEntry> deletions(List<Message> messages) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        return entries;
    }

    private static void recordFailure(AtomicReference<Throwable> failure, SendMessageBatchResponse response, Throwable error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        } else if (!response.failed().isEmpty()) {
            failure.compareAndSet(null, new IllegalStateException("ElasticMQ refused: " + response.failed().get(0)));
        }
    }

    private static void failIfAny(AtomicReference<Throwable> failure, String doing) {
        if (failure.get() != null) {
            throw new IllegalStateException("Failed while " + doing + ": " + failure.get(), failure.get());
        }
    }

    @Override
    public void close() {
        sqs.close();
    }
}
