package org.mailpulse.unsubscribe;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An unsubscribe link's token; only its SHA-256 is stored. */
@Entity
@Table(name = "unsubscribe_tokens")
public class UnsubscribeToken extends PanacheEntityBase {

    @Id
    @Column(name = "token_id")
    public UUID id;

    @Column(name = "token_hash")
    public byte[] tokenHash;

    public String email;

    @Column(name = "campaign_id")
    public UUID campaignId;

    @Column(name = "customer_id")
    public UUID customerId;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @PrePersist
    void onCreate() {
        if (id == null) {
            id = UUID.randomUUID();
        }
        createdAt = Instant.now();
    }
}
