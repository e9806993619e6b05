package org.mailpulse.report;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

@Entity
@Table(name = "report_daily_domain")
@IdClass(DailyDomainReport.Key.class)
public class DailyDomainReport extends DailyCounts {

    @Id
    public LocalDate day;

    @Id
    public String domain;

    public static class Key implements Serializable {
        public LocalDate day;
        public String domain;

        public Key() {
        }

        public Key(LocalDate day, String domain) {
            this.day = day;
            this.domain = domain;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(day, k.day) && Objects.equals(domain, k.domain);
        }

        @Override
        public int hashCode() {
            return Objects.hash(day, domain);
        }
    }
}
