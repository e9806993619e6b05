package org.mailpulse.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import org.mailpulse.common.Cursor;
import org.mailpulse.common.Emails;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.customer.Customer;
import org.mailpulse.customer.repository.CustomerRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@ApplicationScoped
public class CustomerService {

    private final CustomerRepository customers;

    public CustomerService(CustomerRepository customers) {
        this.customers = customers;
    }

    @WithTransaction
    public Uni<CustomerView> create(CustomerRequests.Create request) {
        String email = Emails.normalise(request.email());
        return customers.findByEmail(email).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(conflict(email));
            }
            Customer customer = new Customer();
            customer.email = email;
            customer.name = request.name();
            customer.company = request.company();
            customer.country = upper(request.country());
            return customers.persist(customer).map(CustomerView::of);
        });
    }

    @WithSession
    /** By address; pages by key from {@code page}'s cursor. */
    public Uni<PageResponse<CustomerView>> list(String email, Boolean active, String country, KeysetPageRequest page) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (email != null && !email.isBlank()) {
            where.add("email like :email");
            params.and("email", "%" + Emails.normalise(email).replace("%", "").replace("_", "") + "%");
        }
        if (active != null) {
            where.add("active = :active");
            params.and("active", active);
        }
        if (country != null && !country.isBlank()) {
            where.add("country = :country");
            params.and("country", upper(country));
        }
        Cursor after = page.after(1);
        if (after != null) {
            where.add("email > :after");
            params.and("after", after.text(0));
        }
        var query = where.isEmpty()
                ? customers.findAll(Sort.by("email"))
                : customers.find(String.join(" and ", where), Sort.by("email"), params);
        return Pages.keyset(query, page, c -> Cursor.of(c.email), CustomerView::of);
    }

    @WithSession
    public Uni<CustomerView> find(UUID id) {
        return customers.findById(id).onItem().ifNotNull().transform(CustomerView::of);
    }

    @WithTransaction
    public Uni<CustomerView> patch(UUID id, CustomerRequests.Patch patch) {
        return customers.findById(id).onItem().ifNotNull().transformToUni(customer -> {
            Uni<Void> emailFree = Uni.createFrom().voidItem();
            if (patch.email() != null && !Emails.normalise(patch.email()).equals(customer.email)) {
                String email = Emails.normalise(patch.email());
                emailFree = customers.findByEmail(email).chain(other -> other == null
                        ? Uni.createFrom().voidItem().invoke(() -> customer.email = email)
                        : Uni.createFrom().failure(conflict(email)));
            }
            return emailFree.map(ignored -> {
                if (patch.name() != null) {
                    customer.name = patch.name();
                }
                if (patch.company() != null) {
                    customer.company = patch.company();
                }
                if (patch.country() != null) {
                    customer.country = upper(patch.country());
                }
                if (patch.active() != null) {
                    customer.active = patch.active();
                }
                return CustomerView.of(customer);
            });
        });
    }

    /** Deactivates: the customer stays for history and reports but is never enrolled or sent to again. */
    @WithTransaction
    public Uni<Boolean> deactivate(UUID id) {
        return customers.update("active = false, updatedAt = current_timestamp where id = ?1", id).map(updated -> updated > 0);
    }

    private static ClientErrorException conflict(String email) {
        return new ClientErrorException("A customer with email " + email + " already exists", Response.Status.CONFLICT);
    }

    private static String upper(String country) {
        return country == null ? null : country.toUpperCase(Locale.ROOT);
    }
}
