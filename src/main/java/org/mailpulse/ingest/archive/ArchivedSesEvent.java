package org.mailpulse.ingest.archive;

import io.quarkus.mongodb.panache.common.MongoEntity;
import io.quarkus.mongodb.panache.reactive.ReactivePanacheMongoEntityBase;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;
import org.mailpulse.ses.event.SesEvent;

import java.time.Instant;

/**
 * The raw archive of every SES event as received (MongoDB collection {@code ses_event}). The document id is the
 * event's identity, so archiving the same event twice, in any wrapping, leaves one document (the last received).
 */
@MongoEntity(collection = "ses_event")
public class ArchivedSesEvent extends ReactivePanacheMongoEntityBase {

    @BsonId
    public String id;

    /** SNS Type ("Notification"), "EventBridge", or "Raw" for a record delivered without either wrapping. */
    @BsonProperty("Type")
    public String type;

    /** The event's identity, like the id (unique). */
    @BsonProperty("MessageId")
    public String messageId;

    /** The wrapping's own id: the SNS MessageId or the EventBridge event id; null for a raw record. */
    @BsonProperty("EnvelopeId")
    public String envelopeId;

    /** SNS Subject, or the EventBridge detail-type. */
    @BsonProperty("Subject")
    public String subject;

    /** The SES record as JSON text, exactly as SES published it. */
    @BsonProperty("Message")
    public String message;

    /** SNS Timestamp or EventBridge time; the event's own time for a raw record. */
    @BsonProperty("Timestamp")
    public String timestamp;

    /** When MailPulse received it; the TTL index expires documents from this. */
    public Instant receivedAt;

    /** The archive document of a parsed event: its wrapping's fields, or "Raw" and the event's own time without one. */
    public static ArchivedSesEvent of(SesEvent event, Instant receivedAt) {
        ArchivedSesEvent doc = new ArchivedSesEvent();
        SesEvent.Envelope envelope = event.envelope();
        doc.id = event.dedupeKey();
        doc.messageId = event.dedupeKey();
        doc.type = envelope != null ? envelope.type() : "Raw";
        doc.envelopeId = envelope != null ? envelope.messageId() : null;
        doc.subject = envelope != null ? envelope.subject() : null;
        doc.timestamp = envelope != null && envelope.timestamp() != null ? envelope.timestamp() : event.eventTime().toString();
        doc.message = event.record();
        doc.receivedAt = receivedAt;
        return doc;
    }
}
