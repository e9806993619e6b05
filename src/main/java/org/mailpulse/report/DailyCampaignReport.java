package org.mailpulse.report;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

@Entity
@Table(name = "report_daily_campaign")
@IdClass(DailyCampaignReport.Key.class)
public class DailyCampaignReport extends DailyCounts {

    @Id
    public LocalDate day;

    @Id
    @Column(name = "campaign_id")
    public UUID campaignId;

    public static class Key implements Serializable {
        public LocalDate day;
        public UUID campaignId;

        public Key() {
        }

        public Key(LocalDate day, UUID campaignId) {
            this.day = day;
            this.campaignId = campaignId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(day, k.day) && Objects.equals(campaignId, k.campaignId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(day, campaignId);
        }
    }
}
