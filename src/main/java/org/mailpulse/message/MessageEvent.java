package org.mailpulse.message;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One entry of a message's history (table {@code email_events_op}): an SES event, or an unsubscribe by link,
 * at its own event time. Partitioned by month of event time in the database.
 */
@Entity
@Table(name = "email_events_op")
public class MessageEvent extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID id;

    @Column(name = "notification_id")
    public String notificationId;

    /** send, reject, bounce, complaint, delivery, open, click, rendering_failure, delivery_delay, subscription, unsubscribe. */
    @Column(name = "event_type")
    public String eventType;

    public String email;

    @Column(name = "campaign_id")
    public UUID campaignId;

    @Column(name = "customer_id")
    public UUID customerId;

    @Column(name = "ses_message_id")
    public String sesMessageId;

    /** The message status this event stands for (it may not have changed the current status). */
    public String status;

    @Column(name = "event_time")
    public Instant eventTime;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}
