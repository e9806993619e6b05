package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.ReportSummary;

@ApplicationScoped
@WithSession
public class ReportSummaryRepository implements PanacheRepositoryBase<ReportSummary, Long> {

    public Uni<ReportSummary> findByMessageId(String sesMessageId) {
        return find("messageId", sesMessageId).firstResult();
    }
}
