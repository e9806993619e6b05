package org.mailpulse.embedded.ses;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends SQS message bodies to one queue from a single background thread, in submission order, so that the
 * simulator's HTTP answers never wait for the queue. A body that cannot be sent (after the SDK's own retries)
 * is logged with its text and counted, never dropped silently. The bodies are wrapped as
 * {@link EventWrapping#fromSetting()} says, read once when the publisher starts.
 */
final class EventPublisher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SesSimulator.class.getName());
    private static final int SQS_BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ScheduledExecutorService executor;
    private final Duration delay;
    private final EventWrapping wrapping = EventWrapping.fromSetting();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    EventPublisher(String sqsEndpoint, String queueUrl, Duration delay) {
        this.sqs = SqsClient.builder()
                .endpointOverride(URI.create(sqsEndpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        this.queueUrl = queueUrl;
        this.delay = delay;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ses-simulator-events");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Builds the bodies on the publishing thread (so the caller only enqueues) and sends them after the delay.
     * Everything runs on one thread and every task waits the same delay, so bodies go out in submission order.
     */
    void publish(Supplier<List<String>> bodies) {
        executor.schedule(() -> {
            List<String> all;
            try {
                all = bodies.get();
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "SES simulator could not build the events of a mail", e);
                return;
            }
            for (int from = 0; from < all.size(); from += SQS_BATCH) {
                send(all.subList(from, Math.min(all.size(), from + SQS_BATCH)));
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void send(List<String> bodies) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(bodies.get(i)).build());
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            published.addAndGet(response.successful().size());
            for (BatchResultErrorEntry error : response.failed()) {
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "SES simulator could not publish an event to {0}: {1} {2}; event: {3}",
                        queueUrl, error.code(), error.message(), bodies.get(Integer.parseInt(error.id())));
            }
        } catch (RuntimeException e) {
            failed.addAndGet(bodies.size());
            LOG.log(System.Logger.Level.ERROR, "SES simulator could not publish " + bodies.size() + " event(s) to " + queueUrl
                    + "; events: " + bodies, e);
        }
    }

    EventWrapping wrapping() {
        return wrapping;
    }

    long published() {
        return published.get();
    }

    long failed() {
        return failed.get();
    }

    /** Waits until everything submitted before this call has been sent or has failed. */
    boolean awaitIdle(Duration timeout) {
        Future<?> marker = executor.schedule(() -> { }, delay.toNanos(), TimeUnit.NANOSECONDS);
        try {
            marker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends what is still queued, delays included (for up to 10 s more), then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(delay.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.ERROR, "SES simulator stopped with events still unpublished");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        sqs.close();
    }
}
