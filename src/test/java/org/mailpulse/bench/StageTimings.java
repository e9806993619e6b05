package org.mailpulse.bench;

import io.vertx.mutiny.sqlclient.Pool;
import org.mailpulse.ingest.EventApplier;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.ingest.archive.ArchivedSesEvent;
import org.mailpulse.ingest.archive.SesEventArchive;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Each stage of one batch timed alone, one batch at a time, by calling the application's own beans: the parser,
 * the MongoDB archive and the PostgreSQL apply (EventApplier in one transaction, as BatchProcessor runs it).
 */
final class StageTimings {

    private static final Duration STEP_LIMIT = Duration.ofSeconds(30);

    private StageTimings() {
    }

    /** Mean microseconds to parse one body; every body must parse to an event. */
    static double parseMicros(SesRecordParser parser, String[] templates) {
        int events = 0;
        int bodies = 0;
        long start = System.nanoTime();
        for (String body : templates) {
            if (body != null) {
                bodies++;
                if (parser.parse(body) instanceof ParsedInput.Event) {
                    events++;
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        if (events != bodies) {
            throw new IllegalStateException((bodies - events) + " of " + bodies + " generated bodies did not parse to an SES event");
        }
        return elapsed / 1e3 / bodies;
    }

    /** Mean milliseconds of one bulk upsert of a batch into the archive. */
    static double archiveMillis(SesEventArchive archive, List<List<SesEvent>> batches, Deadline deadline) {
        long start = System.nanoTime();
        for (List<SesEvent> batch : batches) {
            deadline.check("timing the MongoDB archive");
            archive.archive(batch.stream().map(StageTimings::archived).toList()).await().atMost(STEP_LIMIT);
        }
        return (System.nanoTime() - start) / 1e6 / batches.size();
    }

    /** Mean milliseconds of one PostgreSQL transaction applying a batch. */
    static double applyMillis(Pool pool, EventApplier applier, List<List<SesEvent>> batches, Deadline deadline) {
        long start = System.nanoTime();
        for (List<SesEvent> batch : batches) {
            deadline.check("timing the PostgreSQL apply");
            pool.withTransaction(connection -> applier.apply(connection, batch)).await().atMost(STEP_LIMIT);
        }
        return (System.nanoTime() - start) / 1e6 / batches.size();
    }

    /** The event moved to another message and key, at the current time, so that it writes rows of its own. */
    static SesEvent moved(SesEvent event, String key, Population.Recipient recipient) {
        Instant now = Instant.now();
        List<String> recipients = recipient == null ? event.recipients() : List.of(recipient.email());
        String sesMessageId = recipient == null ? "stage-" + event.sesMessageId() : recipient.sesMessageId();
        return new SesEvent(key, event.type(), sesMessageId, now, now, recipients, event.source(), event.subject(), event.headers(),
                event.tags(), event.detail(), event.record(), event.envelope());
    }

    /** The document BatchProcessor archives for an event. */
    private static ArchivedSesEvent archived(SesEvent event) {
        ArchivedSesEvent doc = new ArchivedSesEvent();
        doc.id = event.dedupeKey();
        doc.messageId = event.dedupeKey();
        doc.type = event.envelope() != null ? event.envelope().type() : "Raw";
        doc.subject = event.envelope() != null ? event.envelope().subject() : null;
        doc.timestamp = event.eventTime().toString();
        doc.message = event.record();
        doc.receivedAt = Instant.now();
        return doc;
    }
}
