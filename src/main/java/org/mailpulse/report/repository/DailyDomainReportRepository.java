package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.DailyDomainReport;

@ApplicationScoped
@WithSession
public class DailyDomainReportRepository implements PanacheRepositoryBase<DailyDomainReport, DailyDomainReport.Key> {
}
