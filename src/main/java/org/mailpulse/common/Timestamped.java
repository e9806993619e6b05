package org.mailpulse.common;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;

import java.time.Instant;

/** An entity with {@code created_at} and {@code updated_at}, stamped when it is inserted and whenever it is updated. */
@MappedSuperclass
public abstract class Timestamped extends PanacheEntityBase {

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @PrePersist
    void stampCreated() {
        createdAt = updatedAt = Instant.now();
    }

    @PreUpdate
    void stampUpdated() {
        updatedAt = Instant.now();
    }
}
