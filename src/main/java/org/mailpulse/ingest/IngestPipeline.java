package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the SQS pollers for the life of the application. When a batch fails (PostgreSQL, MongoDB or SQS
 * unreachable) nothing of it is deleted, its poller backs off exponentially ({@link SqsPoller}), and the ingestion
 * health group reports DOWN until a batch succeeds again. On shutdown the pollers stop receiving, finish the
 * batches they hold and wait for their deletes.
 */
@ApplicationScoped
public class IngestPipeline implements SqsPoller.Outcomes {

    private final MailPulseConfig config;
    private final IngestFlowConfig flow;
    private final SqsAsyncClient sqs;
    private final BatchProcessor processor;
    private final SesEventArchive archive;
    private final IngestMetrics metrics;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final List<SqsPoller> pollers = new ArrayList<>();

    public IngestPipeline(MailPulseConfig config, IngestFlowConfig flow, SqsAsyncClient sqs, BatchProcessor processor, SesEventArchive archive,
                          IngestMetrics metrics, Vertx vertx) {
        this.config = config;
        this.flow = flow;
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
        IngestQueue queue = new IngestQueue(sqs, ingest, ingest.queueUrl().get());
        for (int i = 0; i < ingest.pollers(); i++) {
            SqsPoller poller = new SqsPoller(i, queue, processor, ingest, flow.batchesPerPoller(), contextExecutor(), running::get, this);
            pollers.add(poller);
            poller.start();
        }
        Log.infof("SES event ingestion started: %d pollers of %d batches each on %s", ingest.pollers(), flow.batchesPerPoller(),
                ingest.queueUrl().get());
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!running.getAndSet(false)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.ingest().waitTimeSeconds() + 10L);
        pollers.forEach(SqsPoller::stop);
        for (SqsPoller poller : pollers) {
            if (!poller.stopped().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                Log.warnf("Poller %d still held work at the shutdown deadline; its messages come back after their visibility timeout",
                        poller.number());
            }
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

    @Override
    public void succeeded(int poller) {
        if (consecutiveFailures.getAndSet(0) > 0) {
            Log.infof("SES event ingestion recovered (poller %d)", poller);
        }
    }

    @Override
    public void failed(int poller, Throwable failure, Duration pause) {
        consecutiveFailures.incrementAndGet();
        metrics.batchFailed();
        lastFailure.set(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        Log.warnf("Poller %d: batch left on the queue (%s); retrying in %d ms", poller, lastFailure.get(), pause.toMillis());
    }

    /** Each poller runs on its own duplicated Vert.x context, as reactive PostgreSQL and Panache expect. */
    private Executor contextExecutor() {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        return command -> context.runOnContext(ignored -> command.run());
    }
}
