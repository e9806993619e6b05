package org.mailpulse.customer.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.ImportReport;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Problem;
import org.mailpulse.customer.service.CustomerImport;
import org.mailpulse.customer.service.CustomerRequests;
import org.mailpulse.customer.service.CustomerService;
import org.mailpulse.customer.service.CustomerView;

import java.io.InputStream;
import java.util.UUID;

@Path("/api/customers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Customers")
public class CustomerResource {

    private final CustomerService customers;
    private final CustomerImport importer;
    private final ManagedExecutor worker;

    public CustomerResource(CustomerService customers, CustomerImport importer, ManagedExecutor worker) {
        this.customers = customers;
        this.importer = importer;
        this.worker = worker;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a customer (email stored lowercase, unique)")
    public Uni<Response> create(@NotNull @Valid CustomerRequests.Create request, @Context UriInfo uri) {
        return customers.create(request)
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build());
    }

    @GET
    @Operation(summary = "Customers, filtered by part of the email, active flag and country")
    public Uni<PageResponse<CustomerView>> list(@QueryParam("email") String email, @QueryParam("active") Boolean active,
                                                @QueryParam("country") String country, @Valid @BeanParam KeysetPageRequest page) {
        return customers.list(email, active, country, page);
    }

    @GET
    @Path("/{id}")
    public Uni<CustomerView> get(@PathParam("id") UUID id) {
        return customers.find(id).onItem().ifNull().failWith(() -> notFound(id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change some fields of a customer")
    public Uni<CustomerView> patch(@PathParam("id") UUID id, @NotNull @Valid CustomerRequests.Patch patch) {
        return customers.patch(id, patch).onItem().ifNull().failWith(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    // no body on success: a client that accepts only the error type must not get 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Deactivate a customer: kept for history, never enrolled or sent to again")
    public Uni<Response> deactivate(@PathParam("id") UUID id) {
        return customers.deactivate(id).map(found -> {
            if (!found) {
                throw notFound(id);
            }
            return Response.noContent().build();
        });
    }

    /** Reads the upload as it arrives, on a worker thread, one chunk of rows at a time. */
    @POST
    @Path("/import")
    @Consumes("text/csv")
    @Blocking
    @Operation(summary = "Import customers from CSV (header: email,name,company,country); upsert by email")
    public Uni<ImportReport> importCsv(InputStream body) {
        return importer.importCsv(body, worker);
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("No customer " + id);
    }
}
