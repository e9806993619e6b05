package org.mailpulse.campaign.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.service.CampaignRequests;
import org.mailpulse.campaign.service.CampaignService;
import org.mailpulse.campaign.service.CampaignStats;
import org.mailpulse.campaign.service.CampaignView;
import org.mailpulse.campaign.service.EnrolmentReport;
import org.mailpulse.campaign.service.EnrolmentService;
import org.mailpulse.campaign.service.RecipientView;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.message.MessageStatus;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

@Path("/api/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
public class CampaignResource {

    private final CampaignService campaigns;
    private final EnrolmentService enrolment;
    private final CampaignStats stats;
    private final ManagedExecutor worker;
    private final org.mailpulse.message.live.StatusFeed feed;

    public CampaignResource(CampaignService campaigns, EnrolmentService enrolment, CampaignStats stats,
                            ManagedExecutor worker, org.mailpulse.message.live.StatusFeed feed) {
        this.feed = feed;
        this.campaigns = campaigns;
        this.enrolment = enrolment;
        this.stats = stats;
        this.worker = worker;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a draft campaign for a template")
    public Uni<Response> create(@NotNull @Valid CampaignRequests.Create request, @Context UriInfo uri) {
        return campaigns.create(request)
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build());
    }

    @GET
    @Operation(summary = "Campaigns, newest first, optionally of one status (draft, queued, sending, done, paused)")
    public Uni<PageResponse<CampaignView>> list(@QueryParam("status") String status, @Valid @BeanParam PageRequest page) {
        return campaigns.list(status == null || status.isBlank() ? null : campaignStatus(status), page.toPage());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A campaign with its messages counted by status")
    public Uni<CampaignView> get(@PathParam("id") UUID id) {
        return campaigns.find(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    @POST
    @Path("/{id}/recipients")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enrol recipients: {\"recipients\":[{\"email\":\"…\",\"data\":{…}}]}")
    public Uni<EnrolmentReport> enrol(@PathParam("id") UUID id, @NotNull @Valid CampaignRequests.Enrol request) {
        return enrolment.enrolJson(id, request.recipients());
    }

    @POST
    @Path("/{id}/recipients")
    @Consumes("text/csv")
    @Blocking
    @Operation(summary = "Enrol recipients from CSV: an email column, every other column a placeholder value")
    public Uni<EnrolmentReport> enrolCsv(@PathParam("id") UUID id, InputStream body) {
        return enrolment.enrolCsv(id, body, worker);
    }

    @GET
    @Path("/{id}/recipients")
    @Operation(summary = "The campaign's messages, optionally of one status (CREATED … COMPLAINED)")
    public Uni<PageResponse<RecipientView>> recipients(@PathParam("id") UUID id, @QueryParam("status") String status,
                                                       @Valid @BeanParam KeysetPageRequest page) {
        return campaigns.recipients(id, status == null || status.isBlank() ? null : messageStatus(status), page);
    }

    @POST
    @Path("/{id}/queue")
    @Operation(summary = "draft → queued: sending starts now or at scheduledAt")
    public Uni<CampaignView> queue(@PathParam("id") UUID id) {
        return campaigns.apply(id, CampaignStatus.Transition.QUEUE, null);
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "queued or sending → paused")
    public Uni<CampaignView> pause(@PathParam("id") UUID id) {
        return campaigns.apply(id, CampaignStatus.Transition.PAUSE, null);
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "paused → queued (and on to sending)")
    public Uni<CampaignView> resume(@PathParam("id") UUID id) {
        return campaigns.apply(id, CampaignStatus.Transition.RESUME, null);
    }

    @GET
    @Path("/{id}/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-Sent Events: each committed status change of the campaign's messages, from any replica")
    public io.smallrye.mutiny.Multi<org.mailpulse.message.live.StatusFeed.StatusChanged> live(@PathParam("id") UUID id) {
        return feed.of(id);
    }

    @GET
    @Path("/{id}/stats")
    @Operation(summary = "Counts and rates: delivery, bounce, complaint, open, click, click-to-open, unsubscribe")
    public Uni<CampaignStats.Stats> stats(@PathParam("id") UUID id) {
        return stats.of(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("No campaign " + id);
    }

    private static CampaignStatus campaignStatus(String status) {
        try {
            return CampaignStatus.fromCode(status);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("status must be one of " + CampaignStatus.codes());
        }
    }

    private static MessageStatus messageStatus(String status) {
        try {
            return MessageStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("status must be one of " + Arrays.toString(MessageStatus.values()));
        }
    }
}
