package org.mailpulse.campaign;

import org.mailpulse.common.Timestamped;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import org.mailpulse.common.LowercaseEnumConverter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

@Entity
@Table(name = "campaigns")
public class Campaign extends Timestamped {

    @Id
    @Column(name = "campaign_id")
    public UUID id;

    @Column(name = "campaign_name")
    public String name;

    @Column(name = "week_of_month")
    public Integer weekOfMonth;

    /** Set on campaigns made by the weekly job: the day it made them. */
    @Column(name = "generated_date")
    public LocalDate generatedDate;

    @Column(name = "template_id")
    public UUID templateId;

    @Convert(converter = StatusConverter.class)
    public CampaignStatus status = CampaignStatus.DRAFT;

    @Column(name = "scheduled_at")
    public Instant scheduledAt;

    @Column(name = "paused_reason")
    public String pausedReason;

    /** Who paused it ({@link PauseCause#code()}), which decides who resumes it; null unless paused. */
    @Column(name = "paused_cause")
    public String pausedCause;

    @PrePersist
    void onCreate() {
        if (id == null) {
            id = UUID.randomUUID();
        }
    }

    public static class StatusConverter extends LowercaseEnumConverter<CampaignStatus> {
        public StatusConverter() {
            super(CampaignStatus.class);
        }
    }
}
