package org.mailpulse.report.repository;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Cursor;
import org.mailpulse.report.ReportSummary;
import org.mailpulse.ses.event.SesEventType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
@WithSession
public class ReportSummaryRepository implements PanacheRepositoryBase<ReportSummary, Long> {

    public Uni<ReportSummary> findByMessageId(String sesMessageId) {
        return find("messageId", sesMessageId).firstResult();
    }

    /**
     * Summaries of mails sent in [{@code fromTime}, {@code toTime}), optionally of one report type, one user, and
     * only those that saw an event of {@code eventType}; by mail time and id, after {@code after} if not null.
     */
    public PanacheQuery<ReportSummary> search(Instant fromTime, Instant toTime, Integer reportType, String userId, SesEventType eventType,
                                              Cursor after) {
        Parameters params = Parameters.with("fromTime", fromTime).and("toTime", toTime);
        List<String> where = new ArrayList<>(List.of("mailTimestamp >= :fromTime and mailTimestamp < :toTime"));
        if (reportType != null) {
            where.add("reportType = :reportType");
            params.and("reportType", reportType);
        }
        if (userId != null) {
            where.add("userId = :userId");
            params.and("userId", userId);
        }
        if (eventType != null) {
            where.add(firstTimeField(eventType) + " is not null");
        }
        if (after != null) {
            // the redundant >= lets the index range start at the cursor instead of filtering every row before it
            where.add("mailTimestamp >= :afterTime and (mailTimestamp > :afterTime or id > :afterId)");
            params.and("afterTime", after.instant(0)).and("afterId", after.number(1));
        }
        return find(String.join(" and ", where), Sort.by("mailTimestamp").and("id"), params);
    }

    private static String firstTimeField(SesEventType type) {
        return switch (type) {
            case SEND -> "sendAt";
            case DELIVERY -> "deliveryAt";
            case BOUNCE -> "bounceAt";
            case COMPLAINT -> "complaintAt";
            case OPEN -> "openAt";
            case CLICK -> "clickAt";
            case REJECT -> "rejectAt";
            case RENDERING_FAILURE -> "renderingFailureAt";
            case DELIVERY_DELAY -> "deliveryDelayAt";
            case SUBSCRIPTION -> "subscriptionAt";
        };
    }
}
