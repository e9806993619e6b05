package org.mailpulse.customer.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mailpulse.customer.Customer;

import java.time.Instant;
import java.util.UUID;

@RegisterForReflection
public record CustomerView(UUID id, String email, String name, String company, String country, boolean active,
                           Instant createdAt, Instant updatedAt) {

    public static CustomerView of(Customer c) {
        return new CustomerView(c.id, c.email, c.name, c.company, c.country, c.active, c.createdAt, c.updatedAt);
    }
}
