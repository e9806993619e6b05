package org.mailpulse.report;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** Per-message report (table ses_report_summary): the first time of each SES event type for one SES message. */
@Entity
@Table(name = "ses_report_summary")
public class ReportSummary extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "report_type")
    public int reportType;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "customer_id")
    public UUID customerId;

    @Column(name = "campaign_id")
    public UUID campaignId;

    @Column(name = "user_email")
    public String userEmail;

    @Column(name = "source_email")
    public String sourceEmail;

    public String subject;

    @Column(name = "mail_timestamp")
    public Instant mailTimestamp;

    @Column(name = "send_at")
    public Instant sendAt;

    @Column(name = "delivery_at")
    public Instant deliveryAt;

    @Column(name = "bounce_at")
    public Instant bounceAt;

    @Column(name = "complaint_at")
    public Instant complaintAt;

    @Column(name = "open_at")
    public Instant openAt;

    @Column(name = "click_at")
    public Instant clickAt;

    @Column(name = "reject_at")
    public Instant rejectAt;

    @Column(name = "rendering_failure_at")
    public Instant renderingFailureAt;

    @Column(name = "delivery_delay_at")
    public Instant deliveryDelayAt;

    @Column(name = "subscription_at")
    public Instant subscriptionAt;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    public Instant updatedAt;
}
