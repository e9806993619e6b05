package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.ingest.archive.ArchivedSesEvent;
import org.mailpulse.ingest.archive.SesEventArchive;
import org.mailpulse.ingest.quarantine.QuarantineWriter;
import org.mailpulse.ingest.sns.SnsEnvelopeGate;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One received SQS batch, start to finish: parse every body, archive the events raw in MongoDB (idempotent
 * upserts) and, at the same time, apply them and quarantine the unprocessable ones in one PostgreSQL transaction.
 * Only when both succeeded are the messages handed back for deletion. A failure of a store propagates (nothing is deleted);
 * an event that PostgreSQL rejects as bad data is isolated and quarantined so it cannot block its batch.
 */
@ApplicationScoped
public class BatchProcessor {

    private final SesRecordParser parser;
    private final SesEventArchive archive;
    private final EventApplier applier;
    private final QuarantineWriter quarantine;
    private final Pool pool;
    private final IngestMetrics metrics;
    private final SnsEnvelopeGate snsGate;

    public BatchProcessor(SesRecordParser parser, SesEventArchive archive, EventApplier applier, QuarantineWriter quarantine,
                          Pool pool, IngestMetrics metrics, SnsEnvelopeGate snsGate) {
        this.snsGate = snsGate;
        this.parser = parser;
        this.archive = archive;
        this.applier = applier;
        this.quarantine = quarantine;
        this.pool = pool;
        this.metrics = metrics;
    }

    /** Returns the messages whose effects are committed, i.e. all of them, or fails and commits nothing of its own. */
    public Uni<List<Message>> process(List<Message> messages, Executor context) {
        Instant started = Instant.now();
        return snsGate.screen(messages).emitOn(context).chain(screened -> process(messages, screened, context, started));
    }

    /** The SNS envelopes the gate refused are quarantined, never parsed. */
    private Uni<List<Message>> process(List<Message> messages, SnsEnvelopeGate.Screened screened, Executor context, Instant started) {
        Classified batch = classify(screened.passed());
        batch.quarantined.addAll(screened.refused());
        // The archive and the transaction are independent (both idempotent, and nothing is deleted unless both
        // succeeded), so their round trips overlap.
        Uni<Void> archived = archive.archive(batch.archived()).emitOn(context);
        Uni<ApplyResult> applied = pool.withTransaction(connection -> Uni.combine().all()
                        .unis(quarantine.insert(connection, batch.quarantined), applier.apply(connection, batch.eventsOnly()))
                        .collectFailures().with((ignored, result) -> result))
                .emitOn(context)
                .onFailure(BatchProcessor::isDataError).recoverWithUni(failure -> {
                    Log.warnf("Batch of %d rejected by PostgreSQL (%s); applying its events one by one", messages.size(), failure.getMessage());
                    return applyOneByOne(batch, context);
                });
        return Uni.combine().all().unis(archived, applied).collectFailures().with((ignored, result) -> result)
                .map(result -> {
                    record(batch, result, started);
                    snsGate.committed(screened);
                    return messages;
                });
    }

    private Uni<ApplyResult> applyOneByOne(Classified batch, Executor context) {
        return pool.withTransaction(connection -> quarantine.insert(connection, batch.quarantined)).emitOn(context)
                .chain(() -> Multi.createFrom().iterable(batch.events)
                        .onItem().transformToUniAndConcatenate(received -> pool.withTransaction(connection -> applier.apply(connection, List.of(received.event)))
                                .onFailure(BatchProcessor::isDataError).recoverWithUni(failure -> {
                                    QuarantineWriter.Entry entry = new QuarantineWriter.Entry(received.message.messageId(),
                                            "could not be applied: " + failure.getMessage(), received.message.body());
                                    batch.lateQuarantined.add(entry);
                                    return pool.withTransaction(connection -> quarantine.insert(connection, List.of(entry)))
                                            .replaceWith(ApplyResult.EMPTY);
                                })
                                .emitOn(context))
                        .collect().asList())
                .map(results -> {
                    List<SesEvent> applied = new ArrayList<>();
                    List<StatusChange> changes = new ArrayList<>();
                    int duplicates = 0;
                    int suppressions = 0;
                    for (ApplyResult r : results) {
                        applied.addAll(r.applied());
                        changes.addAll(r.statusChanges());
                        duplicates += r.duplicates();
                        suppressions += r.suppressions();
                    }
                    return new ApplyResult(applied, duplicates, changes, suppressions);
                });
    }

    private Classified classify(List<Message> messages) {
        Classified batch = new Classified();
        Set<String> keys = new HashSet<>();
        for (Message message : messages) {
            ParsedInput parsed = parser.parse(message.body());
            if (parsed instanceof ParsedInput.Event e) {
                if (keys.add(e.event().dedupeKey())) {
                    batch.events.add(new Received(message, e.event()));
                } else {
                    batch.duplicatesInBatch++;
                }
            } else if (parsed instanceof ParsedInput.Ignored i) {
                batch.ignored++;
                Log.infof("Skipped SQS message %s: %s", message.messageId(), i.what());
            } else if (parsed instanceof ParsedInput.Invalid invalid) {
                batch.quarantined.add(new QuarantineWriter.Entry(message.messageId(), invalid.reason(), message.body()));
            }
        }
        return batch;
    }

    private void record(Classified batch, ApplyResult result, Instant started) {
        Instant now = Instant.now();
        metrics.batchApplied(Duration.between(started, now));
        result.applied().forEach(metrics::applied);
        result.statusChanges().forEach(metrics::statusChange);
        metrics.duplicates(result.duplicates() + batch.duplicatesInBatch);
        int quarantinedCount = batch.quarantined.size() + batch.lateQuarantined.size();
        for (int i = 0; i < quarantinedCount; i++) {
            metrics.quarantined();
        }
        for (int i = 0; i < batch.ignored; i++) {
            metrics.ignored();
        }
        for (Received received : batch.events) {
            String sent = received.message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
            if (sent != null) {
                metrics.lag(Duration.between(Instant.ofEpochMilli(Long.parseLong(sent)), now));
            }
        }
        if (quarantinedCount > 0) {
            Log.infof("Batch: %d applied, %d duplicate, %d quarantined, %d skipped, %d status changes, %d suppressions",
                    result.applied().size(), result.duplicates() + batch.duplicatesInBatch, quarantinedCount, batch.ignored,
                    result.statusChanges().size(), result.suppressions());
        } else {
            Log.debugf("Batch: %d applied, %d duplicate, %d skipped, %d status changes, %d suppressions",
                    result.applied().size(), result.duplicates() + batch.duplicatesInBatch, batch.ignored,
                    result.statusChanges().size(), result.suppressions());
        }
    }

    /** PostgreSQL refused the data itself (bad value, constraint, size), as opposed to being unreachable or busy. */
    static boolean isDataError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
            }
        }
        return false;
    }

    private record Received(Message message, SesEvent event) {
    }

    private static final class Classified {
        final List<Received> events = new ArrayList<>();
        final List<QuarantineWriter.Entry> quarantined = new ArrayList<>();
        final List<QuarantineWriter.Entry> lateQuarantined = new ArrayList<>();
        int ignored;
        int duplicatesInBatch;

        List<SesEvent> eventsOnly() {
            return events.stream().map(Received::event).toList();
        }

        List<ArchivedSesEvent> archived() {
            Instant now = Instant.now();
            return events.stream().map(r -> ArchivedSesEvent.of(r.event(), now)).toList();
        }
    }
}
