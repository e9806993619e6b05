package org.mailpulse.message;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** One recipient of one campaign: the message, its lifecycle status and the first time of each event. */
@Entity
@Table(name = "campaign_recipients")
@IdClass(CampaignRecipient.Key.class)
public class CampaignRecipient extends PanacheEntityBase {

    @Id
    @Column(name = "campaign_id")
    public UUID campaignId;

    @Id
    @Column(name = "customer_id")
    public UUID customerId;

    public String email;

    @Enumerated(EnumType.STRING)
    public MessageStatus status = MessageStatus.CREATED;

    @Column(name = "status_rank")
    public int statusRank;

    /** The seed-003 status (pending, sent, failed, ...), derived by the database from {@link #status}. */
    @Column(name = "recipient_status", insertable = false, updatable = false)
    public String recipientStatus;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(name = "bounce_type")
    public String bounceType;

    @Column(name = "ses_message_id")
    public String sesMessageId;

    @Column(name = "scheduled_at")
    public Instant scheduledAt;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "attempt_count")
    public int attemptCount;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "template_data")
    public Map<String, Object> templateData = new HashMap<>();

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "opened_at")
    public Instant openedAt;

    @Column(name = "clicked_at")
    public Instant clickedAt;

    @Column(name = "bounced_at")
    public Instant bouncedAt;

    @Column(name = "complained_at")
    public Instant complainedAt;

    @Column(name = "rejected_at")
    public Instant rejectedAt;

    @Column(name = "failed_at")
    public Instant failedAt;

    @Column(name = "delivery_delayed_at")
    public Instant deliveryDelayedAt;

    @Column(name = "unsubscribed_at")
    public Instant unsubscribedAt;

    @Column(name = "open_count")
    public int openCount;

    @Column(name = "click_count")
    public int clickCount;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public void setStatus(MessageStatus newStatus) {
        status = newStatus;
        statusRank = newStatus.rank();
    }

    @PrePersist
    void onCreate() {
        statusRank = status.rank();
        createdAt = updatedAt = Instant.now();
    }

    @PreUpdate
    void onUpdate() {
        statusRank = status.rank();
        updatedAt = Instant.now();
    }

    public static class Key implements Serializable {
        public UUID campaignId;
        public UUID customerId;

        public Key() {
        }

        public Key(UUID campaignId, UUID customerId) {
            this.campaignId = campaignId;
            this.customerId = customerId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(campaignId, k.campaignId) && Objects.equals(customerId, k.customerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(campaignId, customerId);
        }
    }
}
