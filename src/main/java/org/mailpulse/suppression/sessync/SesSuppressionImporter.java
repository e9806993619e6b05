package org.mailpulse.suppression.sessync;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.mailpulse.common.Emails;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SesSyncRepository;
import org.mailpulse.suppression.repository.SuppressionWriter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Reads the SES account list in: every entry updated since the last import's latest update time (less
 * {@link SesSuppressionSyncConfig#importOverlap()}), page after page, through the one suppression upsert
 * ({@link SuppressionWriter#suppress}) with source {@code ses-account}, BOUNCE as {@code bounce_hard} and COMPLAINT as
 * {@code complaint}; a stronger reason in force stays. Each page commits on its own; the cursor moves only after the
 * last page, so a run cut short (SES throttling, an outage, a crash) is read again from the same point by the next,
 * and re-reading is harmless. One replica at a time (a lease on {@code ses_suppression_sync}). Addresses lifted in
 * MailPulse whose deletion at SES is still pending are skipped, so a lift is not undone.
 */
@ApplicationScoped
public class SesSuppressionImporter {

    private static final Logger LOG = Logger.getLogger(SesSuppressionImporter.class);

    /** What one run did: whether it had the lease, entries read, addresses newly suppressed, pages. */
    public record Result(boolean ran, int read, int suppressed, int pages) {

        static final Result SKIPPED = new Result(false, 0, 0, 0);

        Result plus(int read, int suppressed) {
            return new Result(true, this.read + read, this.suppressed + suppressed, pages + 1);
        }
    }

    /** The lease ran out while the import was running: another replica may be importing. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("the import lease ran out");
        }
    }

    private final AccountSuppressionClient ses;
    private final SesSyncRepository repository;
    private final SuppressionWriter writer;
    private final Pool pool;
    private final SesSuppressionSyncConfig config;
    private final SesSyncMetrics metrics;
    private final Vertx vertx;

    public SesSuppressionImporter(AccountSuppressionClient ses, SesSyncRepository repository, SuppressionWriter writer, Pool pool,
                                  SesSuppressionSyncConfig config, SesSyncMetrics metrics, Vertx vertx) {
        this.ses = ses;
        this.repository = repository;
        this.writer = writer;
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    @Scheduled(every = "${mailpulse.ses-suppression.import-every}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.importing()) {
            return Uni.createFrom().voidItem();
        }
        return runOnce().onFailure().invoke(e -> LOG.warnf("SES suppression import stopped; the next run starts again from the same point: %s",
                        AccountSuppressionClient.describe(e)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One import; fails (after freeing the lease) if SES or the database fails on the way. */
    public Uni<Result> runOnce() {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        UUID owner = UUID.randomUUID();
        return repository.takeImportLease(owner, config.lease()).chain(lease -> {
            if (!lease.acquired()) {
                return Uni.createFrom().item(Result.SKIPPED);
            }
            Instant start = lease.cursor() == null ? null : lease.cursor().minus(config.importOverlap());
            return pages(owner, start, null, lease.cursor(), new Result(true, 0, 0, 0), onContext)
                    .onFailure().call(e -> {
                        metrics.call("list", AccountSuppressionClient.retryable(e) ? "retry" : "failed");
                        return repository.releaseImport(owner).onFailure().recoverWithNull();
                    });
        });
    }

    private Uni<Result> pages(UUID owner, Instant start, String token, Instant latest, Result sofar, Executor onContext) {
        return ses.list(start, token, config.pageSize()).emitOn(onContext).chain(page -> {
            metrics.call("list", "ok");
            Instant newest = latest;
            for (AccountSuppressionClient.Entry entry : page.entries()) {
                if (entry.lastUpdateTime() != null && (newest == null || entry.lastUpdateTime().isAfter(newest))) {
                    newest = entry.lastUpdateTime();
                }
            }
            Instant cursor = newest;
            return store(owner, page.entries()).chain(suppressed -> {
                Result result = sofar.plus(page.entries().size(), suppressed);
                if (page.nextToken() != null) {
                    return pages(owner, start, page.nextToken(), cursor, result, onContext);
                }
                return repository.finishImport(owner, cursor).invoke(() -> {
                    metrics.importSucceeded(Instant.now());
                    metrics.imported(result.suppressed());
                }).replaceWith(result);
            });
        });
    }

    /** One page in one transaction: the lease still held, lifted addresses skipped, the rest upserted. */
    private Uni<Integer> store(UUID owner, List<AccountSuppressionClient.Entry> entries) {
        Map<String, SuppressionWriter.Entry> byEmail = new LinkedHashMap<>();
        for (AccountSuppressionClient.Entry entry : entries) {
            SuppressionReason reason = reasonOf(entry.reason());
            String email = Emails.normalise(entry.email());
            if (reason == null || email == null || email.isEmpty()) {
                LOG.warnf("SES account suppression list entry %s with reason %s skipped", Emails.mask(email), entry.reason());
                continue;
            }
            byEmail.put(email, new SuppressionWriter.Entry(email, reason, SuppressionSource.SES_ACCOUNT,
                    "SES account suppression list: " + entry.reason() + (entry.lastUpdateTime() == null ? "" : " at " + entry.lastUpdateTime())));
        }
        return pool.withTransaction(connection -> repository.renewImportLease(connection, owner, config.lease())
                .chain(held -> held ? repository.pendingDeletes(connection, List.copyOf(byEmail.keySet()))
                        : Uni.createFrom().<Set<String>>failure(new LeaseLost()))
                .chain(lifted -> writer.suppress(connection, byEmail.values().stream()
                        .filter(e -> !lifted.contains(e.email())).toList()))
                .map(written -> written.created().size()));
    }

    /** BOUNCE: bounce_hard; COMPLAINT: complaint; anything else SES may add later: null (skipped). */
    static SuppressionReason reasonOf(String sesReason) {
        if ("BOUNCE".equals(sesReason)) {
            return SuppressionReason.BOUNCE_HARD;
        }
        if ("COMPLAINT".equals(sesReason)) {
            return SuppressionReason.COMPLAINT;
        }
        return null;
    }
}
