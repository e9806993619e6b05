package org.mailpulse.suppression;

import org.mailpulse.common.Timestamped;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import org.mailpulse.common.LowercaseEnumConverter;


@Entity
@Table(name = "suppression_list")
public class Suppression extends Timestamped {

    @Id
    public String email;

    @Convert(converter = ReasonConverter.class)
    public SuppressionReason reason;

    @Column(name = "reason_rank")
    public int reasonRank;

    @Convert(converter = SourceConverter.class)
    public SuppressionSource source;

    public String detail;

    @PrePersist
    void onCreate() {
        reasonRank = reason.strength();
    }

    @PreUpdate
    void onUpdate() {
        reasonRank = reason.strength();
    }

    public static class ReasonConverter extends LowercaseEnumConverter<SuppressionReason> {
        public ReasonConverter() {
            super(SuppressionReason.class);
        }
    }

    public static class SourceConverter implements AttributeConverter<SuppressionSource, String> {

        @Override
        public String convertToDatabaseColumn(SuppressionSource source) {
            return source == null ? null : source.code();
        }

        @Override
        public SuppressionSource convertToEntityAttribute(String column) {
            return column == null ? null : SuppressionSource.fromCode(column);
        }
    }
}
