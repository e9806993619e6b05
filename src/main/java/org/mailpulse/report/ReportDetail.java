package org.mailpulse.report;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;

/** Per-event report row (table ses_report_detail), one per notification. */
@Entity
@Table(name = "ses_report_detail")
public class ReportDetail extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "notification_message_id")
    public String notificationMessageId;

    @Column(name = "report_id")
    public Long reportId;

    /** The SES event type as SES names it (Bounce, Rendering Failure, ...). */
    @Column(name = "event_type")
    public String eventType;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "event_time")
    public Instant eventTime;

    @Column(name = "from_address")
    public String fromAddress;

    @Column(name = "to_address")
    public String toAddress;

    public String subject;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "other_info")
    public Map<String, Object> otherInfo;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}
