package org.mailpulse.ingest.archive;

import io.quarkus.mongodb.panache.common.MongoEntity;
import io.quarkus.mongodb.panache.reactive.ReactivePanacheMongoEntityBase;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;
import org.mailpulse.ses.event.SesEvent;

import java.time.Instant;

/**
 * The raw archive of every SES event as received (MongoDB collection {@code ses_event}). The document id is the
 * deduplication key, so archiving the same input twice leaves one document.
 */
@MongoEntity(collection = "ses_event")
public class ArchivedSesEvent extends ReactivePanacheMongoEntityBase {

    @BsonId
    public String id;

    /** SNS Type ("Notification"), or "Raw" for a record delivered without the SNS envelope. */
    @BsonProperty("Type")
    public String type;

    /** SNS MessageId, or the derived key of a raw record. */
    @BsonProperty("MessageId")
    public String messageId;

    @BsonProperty("Subject")
    public String subject;

    /** The SES record as JSON text, exactly as SES published it. */
    @BsonProperty("Message")
    public String message;

    @BsonProperty("Timestamp")
    public String timestamp;

    /** When MailPulse received it; the TTL index expires documents from this. */
    public Instant receivedAt;

    /** The archive document of a parsed event: the SNS envelope's fields, or "Raw" and the event's own time without one. */
    public static ArchivedSesEvent of(SesEvent event, Instant receivedAt) {
        ArchivedSesEvent doc = new ArchivedSesEvent();
        SesEvent.SnsEnvelope envelope = event.envelope();
        doc.id = event.dedupeKey();
        doc.messageId = event.dedupeKey();
        doc.type = envelope != null ? envelope.type() : "Raw";
        doc.subject = envelope != null ? envelope.subject() : null;
        doc.timestamp = envelope != null && envelope.timestamp() != null ? envelope.timestamp() : event.eventTime().toString();
        doc.message = event.record();
        doc.receivedAt = receivedAt;
        return doc;
    }
}
