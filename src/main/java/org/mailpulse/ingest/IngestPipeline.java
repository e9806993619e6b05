package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ingest.archive.SesEventArchive;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the SQS pollers for the life of the application. When a cycle fails (PostgreSQL, MongoDB or SQS
 * unreachable) nothing is deleted, every poller backs off exponentially, and readiness reports DOWN until a cycle
 * succeeds again. On shutdown the pollers stop receiving and finish the batch they hold.
 */
@ApplicationScoped
public class IngestPipeline {

    private final MailPulseConfig config;
    private final SqsAsyncClient sqs;
    private final BatchProcessor processor;
    private final SesEventArchive archive;
    private final IngestMetrics metrics;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final List<CountDownLatch> stopped = new ArrayList<>();

    public IngestPipeline(MailPulseConfig config, SqsAsyncClient sqs, BatchProcessor processor, SesEventArchive archive, IngestMetrics metrics,
                          Vertx vertx) {
        this.config = config;
        this.sqs = sqs;
        this.processor = processor;
        this.archive = archive;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        archive.ensureIndexes()
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(ignored -> { }, failure -> Log.errorf("Could not create the ses_event indexes: %s", failure.getMessage()));
        MailPulseConfig.Ingest ingest = config.ingest();
        if (!ingest.enabled()) {
            Log.info("SES event ingestion is disabled (mailpulse.ingest.enabled=false)");
            return;
        }
        if (ingest.queueUrl().isEmpty()) {
            Log.warn("SES event ingestion is not started: mailpulse.ingest.queue-url is not set");
            return;
        }
        running.set(true);
        for (int i = 0; i < ingest.pollers(); i++) {
            start(new SqsPoller(i, sqs, processor, ingest, ingest.queueUrl().get(), contextExecutor()));
        }
        Log.infof("SES event ingestion started: %d pollers on %s", ingest.pollers(), ingest.queueUrl().get());
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!running.getAndSet(false)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.ingest().waitTimeSeconds() + 10L);
        for (CountDownLatch latch : stopped) {
            latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        Log.info("SES event ingestion stopped");
    }

    /** True while the last cycle of some poller failed and the pollers are backing off. */
    public boolean isBackingOff() {
        return consecutiveFailures.get() > 0;
    }

    public String lastFailure() {
        return lastFailure.get();
    }

    public boolean isRunning() {
        return running.get();
    }

    private void start(SqsPoller poller) {
        CountDownLatch done = new CountDownLatch(1);
        stopped.add(done);
        Multi.createBy().repeating().uni(() -> cycle(poller)).whilst(ignored -> running.get())
                .onTermination().invoke(done::countDown)
                .subscribe().with(ignored -> { }, failure -> Log.errorf(failure, "Poller %d stopped unexpectedly", poller.number()));
    }

    private Uni<Integer> cycle(SqsPoller poller) {
        return poller.pollOnce()
                .invoke(() -> {
                    if (consecutiveFailures.getAndSet(0) > 0) {
                        Log.infof("SES event ingestion recovered (poller %d)", poller.number());
                    }
                })
                .onFailure().recoverWithUni(failure -> {
                    int failures = consecutiveFailures.incrementAndGet();
                    metrics.batchFailed();
                    lastFailure.set(failure.getClass().getSimpleName() + ": " + failure.getMessage());
                    Duration pause = SqsPoller.backoff(config.ingest(), failures);
                    Log.warnf("Poller %d: batch left on the queue (%s); retrying in %d ms", poller.number(), lastFailure.get(), pause.toMillis());
                    return Uni.createFrom().item(0).onItem().delayIt().by(pause);
                });
    }

    /** Each poller runs on its own duplicated Vert.x context, as reactive PostgreSQL and Panache expect. */
    private Executor contextExecutor() {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        return command -> context.runOnContext(ignored -> command.run());
    }
}
