package org.mailpulse.suppression.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Cursor;
import org.mailpulse.common.Emails;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionRepository;
import org.mailpulse.suppression.repository.SuppressionWriter;

import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class SuppressionService {

    private final SuppressionRepository suppressions;
    private final SuppressionWriter writer;
    private final Pool pool;

    public SuppressionService(SuppressionRepository suppressions, SuppressionWriter writer, Pool pool) {
        this.suppressions = suppressions;
        this.writer = writer;
        this.pool = pool;
    }

    @WithSession
    /** By address; pages by key from {@code page}'s cursor. */
    public Uni<PageResponse<SuppressionView>> list(SuppressionReason reason, KeysetPageRequest page) {
        Cursor after = page.after(1);
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (reason != null) {
            where.add("reason = :reason");
            params.and("reason", reason);
        }
        if (after != null) {
            where.add("email > :after");
            params.and("after", after.text(0));
        }
        var query = where.isEmpty()
                ? suppressions.findAll(Sort.by("email"))
                : suppressions.find(String.join(" and ", where), Sort.by("email"), params);
        return Pages.keyset(query, page, s -> Cursor.of(s.email), SuppressionView::of);
    }

    @WithSession
    public Uni<SuppressionView> find(String email) {
        return suppressions.findById(Emails.normalise(email)).onItem().ifNotNull().transform(SuppressionView::of);
    }

    /**
     * Suppresses an address by hand, through the same upsert as events and the unsubscribe link: a stronger
     * existing reason (bounce_hard, complaint) stays, and the result shows what is in force. Emits whether the
     * address was newly suppressed.
     */
    @WithSession
    public Uni<Upserted> suppress(String email, SuppressionReason reason, SuppressionSource source, String detail) {
        String address = Emails.normalise(email);
        return pool.withTransaction(connection -> writer.suppress(connection, List.of(new SuppressionWriter.Entry(address, reason, source, detail))))
                .chain(written -> suppressions.findById(address)
                        .map(inForce -> new Upserted(SuppressionView.of(inForce), written.created().contains(address))));
    }

    @WithTransaction
    public Uni<Boolean> remove(String email) {
        return suppressions.deleteById(Emails.normalise(email));
    }

    public record Upserted(SuppressionView suppression, boolean created) {
    }
}
