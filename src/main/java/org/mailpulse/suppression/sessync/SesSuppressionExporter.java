package org.mailpulse.suppression.sessync;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.mailpulse.common.Backoff;
import org.mailpulse.common.Emails;
import org.mailpulse.suppression.repository.SesSyncRepository;
import org.mailpulse.suppression.repository.SesSyncRepository.Pending;
import org.mailpulse.suppression.repository.SesSyncRepository.Retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Works through the outbox of changes for the SES account list ({@code ses_suppression_outbox}, written by triggers
 * in the same transaction as each suppression and lift): puts and deletes, one SES call after the other. A change
 * SES takes is removed; one it refuses is tried again with exponential back-off. On throttling or an outage the
 * run stops at once and leaves the rest of its batch for later, so SES is not hammered; ingestion never waits for
 * any of it.
 */
@ApplicationScoped
public class SesSuppressionExporter {

    private static final Logger LOG = Logger.getLogger(SesSuppressionExporter.class);

    /** What one run did: changes SES took, changes put off. */
    public record Result(int done, int retried) {
    }

    private record BatchResult(int done, int retried, boolean more) {
    }

    private final SesSyncRepository repository;
    private final AccountSuppressionClient ses;
    private final SesSuppressionSyncConfig config;
    private final SesSyncMetrics metrics;
    private final Vertx vertx;

    public SesSuppressionExporter(SesSyncRepository repository, AccountSuppressionClient ses, SesSuppressionSyncConfig config,
                                  SesSyncMetrics metrics, Vertx vertx) {
        this.repository = repository;
        this.ses = ses;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    @Scheduled(every = "${mailpulse.ses-suppression.export-every}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.export() && !config.importing()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().invoke(e -> LOG.warnf("SES suppression export run failed; it runs again: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Claims due changes batch after batch until none is due, SES throttles or fails, or the run's batches are used up. */
    public Uni<Result> runOnce() {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        return Multi.createBy().repeating().uni(() -> batch(onContext)).whilst(BatchResult::more)
                .select().first(config.maxBatchesPerRun())
                .collect().asList()
                .map(batches -> new Result(batches.stream().mapToInt(BatchResult::done).sum(),
                        batches.stream().mapToInt(BatchResult::retried).sum()))
                .call(this::refreshPending);
    }

    private Uni<BatchResult> batch(Executor onContext) {
        return repository.claimDue(config.batchSize(), config.lease()).chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(new BatchResult(0, 0, false));
            }
            List<Pending> done = new ArrayList<>();
            List<Retry> retries = new ArrayList<>();
            AtomicReference<Retry> halted = new AtomicReference<>();
            return Multi.createFrom().iterable(claimed)
                    .onItem().transformToUniAndConcatenate(pending -> {
                        Retry stop = halted.get();
                        if (stop != null) {
                            // not tried: SES is throttling or down
                            retries.add(new Retry(pending.email(), pending.version(), stop.delay(), stop.error()));
                            return Uni.createFrom().voidItem();
                        }
                        return call(pending).emitOn(onContext)
                                .invoke(() -> done.add(pending))
                                .onFailure().invoke(e -> {
                                    Retry retry = retryOf(pending, e);
                                    retries.add(retry);
                                    if (AccountSuppressionClient.retryable(e)) {
                                        halted.set(retry);
                                    }
                                })
                                .onFailure().recoverWithNull();
                    })
                    .collect().last()
                    .chain(() -> repository.complete(done))
                    .chain(() -> repository.reschedule(retries))
                    .map(ignored -> new BatchResult(done.size(), retries.size(), halted.get() == null && claimed.size() == config.batchSize()));
        });
    }

    private Uni<Void> call(Pending pending) {
        String operation = pending.isPut() ? "put" : "delete";
        Uni<Void> call = pending.isPut() ? ses.put(pending.email(), pending.sesReason()) : ses.delete(pending.email());
        return call.invoke(() -> metrics.call(operation, "ok"))
                .onFailure().invoke(e -> {
                    boolean retryable = AccountSuppressionClient.retryable(e);
                    metrics.call(operation, retryable ? "retry" : "failed");
                    LOG.warnf("SES %s of %s on the account suppression list failed (attempt %d%s): %s", operation,
                            Emails.mask(pending.email()), pending.attempts() + 1, retryable ? ", SES busy or down" : "",
                            AccountSuppressionClient.describe(e));
                });
    }

    private Retry retryOf(Pending pending, Throwable failure) {
        // a refusal (e.g. an address SES calls invalid) is kept and tried rarely, never dropped
        var delay = AccountSuppressionClient.retryable(failure)
                ? Backoff.after(pending.attempts() + 1, config.retryInitial(), config.retryMax())
                : config.retryMax();
        return new Retry(pending.email(), pending.version(), delay, AccountSuppressionClient.describe(failure));
    }

    private Uni<Void> refreshPending() {
        return repository.pendingCounts().invoke(counts -> metrics.pending(counts[0], counts[1])).replaceWithVoid();
    }
}
