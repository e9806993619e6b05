package org.mailpulse.ingest.quarantine;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An SQS message that could not be processed, kept with its reason and body after leaving the queue. */
@Entity
@Table(name = "ingest_quarantine")
public class QuarantinedInput extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "sqs_message_id")
    public String sqsMessageId;

    public String reason;

    public String body;

    @Column(name = "body_truncated")
    public boolean bodyTruncated;

    @Column(name = "received_at", insertable = false, updatable = false)
    public Instant receivedAt;
}
