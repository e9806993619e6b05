package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.ReportDetail;

import java.util.List;

@ApplicationScoped
@WithSession
public class ReportDetailRepository implements PanacheRepositoryBase<ReportDetail, Long> {

    public Uni<List<ReportDetail>> findByMessageId(String sesMessageId) {
        return find("messageId = ?1 order by eventTime, id", sesMessageId).list();
    }
}
