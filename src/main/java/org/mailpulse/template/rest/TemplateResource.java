package org.mailpulse.template.rest;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.PageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.template.service.TemplateRequests;
import org.mailpulse.template.service.TemplateService;
import org.mailpulse.template.service.TemplateView;

import java.util.UUID;

@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Templates")
public class TemplateResource {

    private final TemplateService templates;

    public TemplateResource(TemplateService templates) {
        this.templates = templates;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a template: an SES stored template, or subject/html/text rendered here with the recipient's data")
    public Uni<Response> create(@NotNull @Valid TemplateRequests.Create request, @Context UriInfo uri) {
        return templates.create(request)
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build());
    }

    @GET
    public Uni<PageResponse<TemplateView>> list(@Valid @BeanParam PageRequest page) {
        return templates.list(page.toPage());
    }

    @GET
    @Path("/{id}")
    public Uni<TemplateView> get(@PathParam("id") UUID id) {
        return templates.find(id).onItem().ifNull().failWith(() -> new NotFoundException("No template " + id));
    }
}
