package org.mailpulse.suppression.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.suppression.Suppression;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionRepository;

import org.mailpulse.common.Emails;

@ApplicationScoped
public class SuppressionService {

    private final SuppressionRepository suppressions;

    public SuppressionService(SuppressionRepository suppressions) {
        this.suppressions = suppressions;
    }

    @WithSession
    public Uni<PageResponse<SuppressionView>> list(SuppressionReason reason, Page page) {
        var query = reason == null
                ? suppressions.findAll(Sort.by("email"))
                : suppressions.find("reason", Sort.by("email"), reason);
        return Pages.of(query, page, SuppressionView::of);
    }

    @WithSession
    public Uni<SuppressionView> find(String email) {
        return suppressions.findById(Emails.normalise(email)).onItem().ifNotNull().transform(SuppressionView::of);
    }

    /**
     * Suppresses an address by hand. A stronger existing reason (bounce_hard, complaint) stays: the result shows
     * what is in force. Emits whether the address was newly suppressed.
     */
    @WithTransaction
    public Uni<Upserted> suppress(String email, SuppressionReason reason, SuppressionSource source, String detail) {
        String address = Emails.normalise(email);
        return suppressions.findById(address).chain(existing -> {
            if (existing == null) {
                Suppression created = new Suppression();
                created.email = address;
                created.reason = reason;
                created.source = source;
                created.detail = detail;
                return suppressions.persist(created).map(s -> new Upserted(SuppressionView.of(s), true));
            }
            if (reason.strength() > existing.reason.strength()) {
                existing.reason = reason;
                existing.source = source;
                existing.detail = detail;
            }
            return suppressions.persist(existing).map(s -> new Upserted(SuppressionView.of(s), false));
        });
    }

    @WithTransaction
    public Uni<Boolean> remove(String email) {
        return suppressions.deleteById(Emails.normalise(email));
    }

    public record Upserted(SuppressionView suppression, boolean created) {
    }
}
