package org.mailpulse.customer;

import org.mailpulse.common.Timestamped;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;

import java.util.UUID;

@Entity
@Table(name = "customers")
public class Customer extends Timestamped {

    @Id
    @Column(name = "customer_id")
    public UUID id;

    /** Always lowercase: the database rejects anything else. */
    public String email;

    public String name;

    public String company;

    public String country;

    @Column(name = "is_active")
    public boolean active = true;

    @PrePersist
    void onCreate() {
        if (id == null) {
            id = UUID.randomUUID();
        }
    }
}
