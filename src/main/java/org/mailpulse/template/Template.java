package org.mailpulse.template;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import org.mailpulse.common.LowercaseEnumConverter;

import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "templates")
public class Template extends PanacheEntityBase {

    @Id
    @Column(name = "template_id")
    public UUID id;

    public String name;

    @Convert(converter = ProviderConverter.class)
    public TemplateProvider provider;

    /** The SES stored template's name, for provider {@code ses}. */
    @Column(name = "provider_template_name")
    public String providerTemplateName;

    public String subject;

    @Column(name = "html_body")
    public String htmlBody;

    @Column(name = "text_body")
    public String textBody;

    @Column(name = "week_of_month")
    public Integer weekOfMonth;

    public int version = 1;

    @Column(name = "is_active")
    public boolean active = true;

    @Column(name = "created_at")
    public Instant createdAt;

    @PrePersist
    void onCreate() {
        if (id == null) {
            id = UUID.randomUUID();
        }
        createdAt = Instant.now();
    }

    public static class ProviderConverter extends LowercaseEnumConverter<TemplateProvider> {
        public ProviderConverter() {
            super(TemplateProvider.class);
        }
    }
}
