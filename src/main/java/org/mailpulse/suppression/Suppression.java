package org.mailpulse.suppression;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import org.mailpulse.common.LowercaseEnumConverter;

import java.time.Instant;

@Entity
@Table(name = "suppression_list")
public class Suppression extends PanacheEntityBase {

    @Id
    public String email;

    @Convert(converter = ReasonConverter.class)
    public SuppressionReason reason;

    @Column(name = "reason_rank")
    public int reasonRank;

    @Convert(converter = SourceConverter.class)
    public SuppressionSource source;

    public String detail;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @PrePersist
    void onCreate() {
        reasonRank = reason.strength();
        createdAt = updatedAt = Instant.now();
    }

    @PreUpdate
    void onUpdate() {
        reasonRank = reason.strength();
        updatedAt = Instant.now();
    }

    public static class ReasonConverter extends LowercaseEnumConverter<SuppressionReason> {
        public ReasonConverter() {
            super(SuppressionReason.class);
        }
    }

    public static class SourceConverter extends LowercaseEnumConverter<SuppressionSource> {
        public SourceConverter() {
            super(SuppressionSource.class);
        }
    }
}
