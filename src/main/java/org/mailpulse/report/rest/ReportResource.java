package org.mailpulse.report.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.Cursor;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.common.Problem;
import org.mailpulse.common.Rates;
import org.mailpulse.report.DailyCounts;
import org.mailpulse.report.ReportSummary;
import org.mailpulse.report.repository.DailyCampaignReportRepository;
import org.mailpulse.report.repository.DailyDomainReportRepository;
import org.mailpulse.report.repository.ReportSummaryRepository;
import org.mailpulse.report.rollup.DailyRollup;
import org.mailpulse.ses.event.SesEventType;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

@Path("/api/reports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Reports")
public class ReportResource {

    /** One rollup row with its rates (delivery, bounce, complaint, unsubscribe of sent; open, click of delivered). */
    public record DailyView(LocalDate day, UUID campaignId, String domain, long sent, long delivered, long bouncedHard,
                            long bouncedSoft, long complained, long uniqueOpens, long uniqueClicks, long unsubscribed,
                            double deliveryRate, double bounceRate, double complaintRate, double openRate, double clickRate,
                            double clickToOpenRate, double unsubscribeRate) {

        static DailyView of(LocalDate day, UUID campaignId, String domain, DailyCounts c) {
            return new DailyView(day, campaignId, domain, c.sent, c.delivered, c.bouncedHard, c.bouncedSoft, c.complained,
                    c.uniqueOpens, c.uniqueClicks, c.unsubscribed, Rates.of(c.delivered, c.sent), Rates.of(c.bouncedHard + c.bouncedSoft, c.sent),
                    Rates.of(c.complained, c.sent), Rates.of(c.uniqueOpens, c.delivered), Rates.of(c.uniqueClicks, c.delivered),
                    Rates.of(c.uniqueClicks, c.uniqueOpens), Rates.of(c.unsubscribed, c.sent));
        }
    }

    private final DailyCampaignReportRepository campaigns;
    private final DailyDomainReportRepository domains;
    private final ReportSummaryRepository summaries;
    private final DailyRollup rollup;

    public ReportResource(DailyCampaignReportRepository campaigns, DailyDomainReportRepository domains,
                          ReportSummaryRepository summaries, DailyRollup rollup) {
        this.campaigns = campaigns;
        this.domains = domains;
        this.summaries = summaries;
        this.rollup = rollup;
    }

    @GET
    @Path("/daily")
    @WithSession
    @Operation(summary = "Daily rollups per campaign between from and to (inclusive, default the last 30 days)")
    public Uni<PageResponse<DailyView>> daily(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to,
                                              @QueryParam("campaignId") UUID campaignId, @Valid @BeanParam PageRequest page) {
        Range range = Range.of(from, to);
        return Pages.of(campaigns.between(range.start(), range.end(), campaignId), page.toPage(),
                r -> DailyView.of(r.day, r.campaignId, null, r));
    }

    @GET
    @Path("/domains")
    @WithSession
    @Operation(summary = "Daily rollups per recipient domain between from and to (inclusive)")
    public Uni<PageResponse<DailyView>> domains(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to,
                                                @Valid @BeanParam PageRequest page) {
        Range range = Range.of(from, to);
        return Pages.of(domains.between(range.start(), range.end()), page.toPage(),
                r -> DailyView.of(r.day, null, r.domain, r));
    }

    @GET
    @Path("/messages")
    @WithSession
    @Operation(summary = "The per-message report (first time of each SES event), by mail date, report type, user and event type")
    public Uni<PageResponse<ReportSummary>> messages(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to,
                                                     @QueryParam("reportType") Integer reportType, @QueryParam("userId") String userId,
                                                     @QueryParam("eventType") String eventType, @Valid @BeanParam KeysetPageRequest page) {
        Range range = Range.of(from, to);
        return Pages.keyset(summaries.search(range.start().atStartOfDay().toInstant(ZoneOffset.UTC),
                range.end().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC), reportType,
                userId == null || userId.isBlank() ? null : userId,
                eventType == null || eventType.isBlank() ? null : eventType(eventType), page.after(2)),
                page, s -> Cursor.of(s.mailTimestamp, s.id), s -> s);
    }

    @POST
    @Path("/rollups/{day}")
    // no body on success: a client that accepts only the error type must not get 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Roll up one completed day (before today, UTC) again (409 while another replica is rolling up)")
    public Uni<Response> rerun(@PathParam("day") @NotNull LocalDate day) {
        if (!day.isBefore(LocalDate.now(ZoneOffset.UTC))) {
            // A rollup marks its day complete; today's would stop the scheduled rollup from counting the rest of it.
            throw new BadRequestException("day must be before today (UTC); a day is rolled up once it is over");
        }
        return rollup.rollUp(day).map(done -> {
            if (!done) {
                throw new ClientErrorException("A rollup is running on another replica; try again shortly", Response.Status.CONFLICT);
            }
            return Response.noContent().build();
        });
    }

    /** Inclusive days; by default the last 30 days up to today (UTC). */
    private record Range(LocalDate start, LocalDate end) {
        static Range of(LocalDate from, LocalDate to) {
            LocalDate end = to != null ? to : LocalDate.now(ZoneOffset.UTC);
            LocalDate start = from != null ? from : end.minusDays(30);
            if (start.isAfter(end)) {
                throw new BadRequestException("from must not be after to");
            }
            return new Range(start, end);
        }
    }

    /** An event type by its stored name ("delivery_delay") or SES's name ("DeliveryDelay"), in any case. */
    private static SesEventType eventType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(SesEventType.values())
                .filter(type -> type.code().equals(lower) || type.wireName().toLowerCase(Locale.ROOT).equals(lower))
                .findFirst()
                .orElseThrow(() -> new BadRequestException("eventType must be one of send, delivery, bounce, complaint, open, click, "
                        + "reject, rendering_failure, delivery_delay, subscription"));
    }
}
