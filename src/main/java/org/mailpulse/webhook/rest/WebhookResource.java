package org.mailpulse.webhook.rest;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.Problem;
import org.mailpulse.webhook.service.DeliveryView;
import org.mailpulse.webhook.service.EndpointView;
import org.mailpulse.webhook.service.WebhookRequests;
import org.mailpulse.webhook.service.WebhookPayloads;
import org.mailpulse.webhook.service.WebhookService;

import java.util.List;
import java.util.Map;
import java.util.UUID;

@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookResource {

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe an endpoint; the answer holds its signing secret, shown only this once")
    public Uni<Response> create(@NotNull @Valid WebhookRequests.Create request, @Context UriInfo uri) {
        return webhooks.create(request)
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build());
    }

    @GET
    @Operation(summary = "Every endpoint (without secrets)")
    public Uni<List<EndpointView>> list() {
        return webhooks.list();
    }

    @GET
    @Path("/event-types")
    @Operation(summary = "The event types an endpoint can subscribe to, each with an example of the body MailPulse POSTs")
    public List<WebhookPayloads.EventType> eventTypes() {
        return WebhookPayloads.catalogue();
    }

    @GET
    @Path("/{id}")
    public Uni<EndpointView> get(@PathParam("id") UUID id) {
        return webhooks.find(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change an endpoint's URL, event types, campaign filter or description (absent fields stay)")
    public Uni<EndpointView> update(@PathParam("id") UUID id, @NotNull @Valid WebhookRequests.Patch patch) {
        return webhooks.update(id, patch).onItem().ifNull().failWith(() -> notFound(id));
    }

    @POST
    @Path("/{id}/enable")
    @Operation(summary = "Enable an endpoint (its run of failures starts again from zero; pending deliveries resume)")
    public Uni<EndpointView> enable(@PathParam("id") UUID id) {
        return webhooks.enable(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    @POST
    @Path("/{id}/disable")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Disable an endpoint: nothing new is queued for it and nothing is sent until it is enabled ({} for no reason)")
    public Uni<EndpointView> disable(@PathParam("id") UUID id, @Valid WebhookRequests.Disable request) {
        return webhooks.disable(id, request == null ? null : request.reason()).onItem().ifNull().failWith(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Delete an endpoint with its deliveries")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return webhooks.delete(id).map(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
            return Response.noContent().build();
        });
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Generate a new signing secret (in the answer, once); the previous one keeps signing during the overlap ({} for the default overlap)")
    public Uni<EndpointView> rotate(@PathParam("id") UUID id, @Valid WebhookRequests.Rotate request) {
        return webhooks.rotate(id, request == null ? null : request.overlap()).onItem().ifNull().failWith(() -> notFound(id));
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The endpoint's latest deliveries, newest first, with the last attempt's status code, latency and error")
    public Uni<List<DeliveryView>> deliveries(@PathParam("id") UUID id,
                                              @QueryParam("status") @Pattern(regexp = "pending|delivered|failed", message = "must be pending, delivered or failed") String status,
                                              @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return webhooks.deliveries(id, status, limit).onItem().ifNull().failWith(() -> notFound(id));
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/replay")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Send a delivery again, with the same webhook-id")
    public Uni<Response> replay(@PathParam("id") UUID id, @PathParam("deliveryId") UUID deliveryId) {
        return webhooks.replay(id, deliveryId).map(replayed -> {
            if (!replayed) {
                throw new NotFoundException("No delivery " + deliveryId + " of webhook endpoint " + id);
            }
            return Response.accepted().build();
        });
    }

    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send again every delivery of the endpoint created since a time")
    public Uni<Response> replaySince(@PathParam("id") UUID id, @NotNull @Valid WebhookRequests.Replay request) {
        return webhooks.replaySince(id, request.since()).onItem().ifNull().failWith(() -> notFound(id))
                .map(count -> Response.accepted(Map.of("replayed", count)).build());
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("No webhook endpoint " + id);
    }
}
