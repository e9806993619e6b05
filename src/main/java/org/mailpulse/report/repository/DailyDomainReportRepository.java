package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.DailyDomainReport;

import java.time.LocalDate;

@ApplicationScoped
@WithSession
public class DailyDomainReportRepository implements PanacheRepositoryBase<DailyDomainReport, DailyDomainReport.Key> {

    /** Rows of the days from {@code from} to {@code to} inclusive. */
    public PanacheQuery<DailyDomainReport> between(LocalDate from, LocalDate to) {
        return find("day between :from and :to", Sort.by("day").and("domain"), Parameters.with("from", from).and("to", to));
    }
}
