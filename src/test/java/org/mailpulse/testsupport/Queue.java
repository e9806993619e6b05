package org.mailpulse.testsupport;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Puts bodies on the input queue the way SNS does, and waits for the service to drain it. */
public final class Queue {

    private Queue() {
    }

    public static void send(String... bodies) {
        send(List.of(bodies));
    }

    public static void send(List<String> bodies) {
        try (SqsClient sqs = TestServers.sqs()) {
            for (int from = 0; from < bodies.size(); from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(bodies.get(i)).build());
                }
                var response = sqs.sendMessageBatch(b -> b.queueUrl(TestServers.queueUrl()).entries(entries));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("SQS refused: " + response.failed());
                }
            }
        }
    }

    /** Visible plus in-flight messages of a queue. */
    public static int depth(String queueUrl) {
        try (SqsClient sqs = TestServers.sqs()) {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }

    /** Waits until the input queue holds nothing, visible or in flight; returns how long that took. */
    public static Duration awaitDrained(Duration timeout) {
        long start = System.nanoTime();
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> depth(TestServers.queueUrl()) == 0);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Visible plus in-flight messages of the input queue. */
    public static int depth() {
        return depth(TestServers.queueUrl());
    }

    public static void awaitDrained() {
        awaitDrained(Duration.ofSeconds(60));
    }
}
