package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.report.DailyCampaignReport;

import java.time.LocalDate;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class DailyCampaignReportRepository implements PanacheRepositoryBase<DailyCampaignReport, DailyCampaignReport.Key> {

    /** Rows of the days from {@code from} to {@code to} inclusive, of one campaign or (null) of all. */
    public PanacheQuery<DailyCampaignReport> between(LocalDate from, LocalDate to, UUID campaignId) {
        Parameters params = Parameters.with("from", from).and("to", to);
        if (campaignId == null) {
            return find("day between :from and :to", Sort.by("day").and("campaignId"), params);
        }
        return find("day between :from and :to and campaignId = :campaign", Sort.by("day").and("campaignId"), params.and("campaign", campaignId));
    }
}
