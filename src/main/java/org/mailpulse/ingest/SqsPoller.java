package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import org.mailpulse.common.Backoff;
import org.mailpulse.config.MailPulseConfig;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * One long-polling consumer that keeps its round trips overlapped: up to {@code batchesPerPoller} batches are
 * applied at once, one more is received while they run (it waits for the next free slot), and the delete of a
 * committed batch is issued without holding up anything (its failure only means a redelivery, which deduplication
 * absorbs; at most {@code batchesPerPoller} deletes are outstanding). So one poller holds at most
 * (batchesPerPoller + 1) · 10 messages and 1 + 2 · batchesPerPoller SQS connections. A message is deleted only after
 * {@link BatchProcessor} reported its effects committed. All state is touched on this poller's Vert.x context only.
 */
final class SqsPoller {

    /** What the pipeline learns from each batch, for readiness and metrics. */
    interface Outcomes {
        void succeeded(int poller);

        void failed(int poller, Throwable failure, Duration pause);
    }

    private final int number;
    private final IngestQueue queue;
    private final BatchProcessor processor;
    private final MailPulseConfig.Ingest config;
    private final int batchesPerPoller;
    private final Executor context;
    private final BooleanSupplier running;
    private final Outcomes outcomes;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private boolean receiving;
    private boolean pausing;
    private List<Message> prefetched;
    private int applying;
    private int deleting;
    private int consecutiveFailures;

    SqsPoller(int number, IngestQueue queue, BatchProcessor processor, MailPulseConfig.Ingest config, int batchesPerPoller, Executor context, BooleanSupplier running,
              Outcomes outcomes) {
        this.number = number;
        this.queue = queue;
        this.processor = processor;
        this.config = config;
        this.batchesPerPoller = batchesPerPoller;
        this.context = context;
        this.running = running;
        this.outcomes = outcomes;
    }

    void start() {
        context.execute(this::receiveNext);
    }

    /** Called after {@code running} turned false: the poller receives no more and counts down once it holds nothing. */
    void stop() {
        context.execute(this::stopIfIdle);
    }

    /** Counted down when the poller stopped receiving and every batch it held is applied and its delete answered. */
    CountDownLatch stopped() {
        return stopped;
    }

    int number() {
        return number;
    }

    private void receiveNext() {
        if (!running.getAsBoolean()) {
            stopIfIdle();
            return;
        }
        // Deletes are not waited for, but bounded: when SQS answers them slowly, receiving waits until they catch up.
        if (receiving || pausing || prefetched != null || deleting >= batchesPerPoller) {
            return;
        }
        receiving = true;
        queue.receive(context).subscribe().with(this::received, failure -> {
            receiving = false;
            failed(failure);
        });
    }

    private void received(List<Message> messages) {
        receiving = false;
        if (messages.isEmpty()) {
            // SQS answered and there is nothing to apply: a working pipeline (after an outage, the queue may stay empty).
            consecutiveFailures = 0;
            outcomes.succeeded(number);
        } else {
            if (applying < batchesPerPoller) {
                apply(messages);
            } else {
                prefetched = messages;
            }
        }
        receiveNext();
    }

    private void apply(List<Message> messages) {
        applying++;
        Uni.createFrom().deferred(() -> processor.process(messages, context)).subscribe().with(committed -> {
            applying--;
            consecutiveFailures = 0;
            outcomes.succeeded(number);
            delete(committed);
            next();
        }, failure -> {
            applying--;
            Duration pause = failed(failure);
            queue.release(messages, pause, context).subscribe().with(ignored -> {
                Log.debugf("Poller %d released %d messages for retry after: %s", number, messages.size(), failure.getMessage());
                next();
            });
        });
    }

    private void delete(List<Message> committed) {
        deleting++;
        queue.delete(committed, context).subscribe().with(ignored -> {
            deleting--;
            receiveNext();
        });
    }

    /** A slot is free: the prefetched batch takes it, and the poller receives again. */
    private void next() {
        if (prefetched != null && applying < batchesPerPoller) {
            List<Message> waiting = prefetched;
            prefetched = null;
            apply(waiting);
        }
        receiveNext();
    }

    /**
     * Stops receiving for a back-off that doubles with each failure in a row. The batches in flight when a store goes
     * away all fail at once: they count as one failure, so the pause does not jump to its maximum.
     */
    private Duration failed(Throwable failure) {
        if (!pausing) {
            consecutiveFailures++;
        }
        Duration pause = backoff(config, Math.max(1, consecutiveFailures));
        outcomes.failed(number, failure, pause);
        if (!pausing) {
            pausing = true;
            Uni.createFrom().voidItem().onItem().delayIt().by(pause).emitOn(context).subscribe().with(ignored -> {
                pausing = false;
                receiveNext();
            });
        }
        return pause;
    }

    /** How long a poller waits after {@code consecutiveFailures} failures in a row. */
    static Duration backoff(MailPulseConfig.Ingest config, int consecutiveFailures) {
        return Backoff.after(consecutiveFailures, config.initialBackoff(), config.maxBackoff());
    }

    private void stopIfIdle() {
        if (!running.getAsBoolean() && !receiving && prefetched == null && applying == 0 && deleting == 0) {
            stopped.countDown();
        }
    }
}
