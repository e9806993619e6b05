package org.mailpulse.suppression.rest;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Problem;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.service.SuppressionService;
import org.mailpulse.suppression.service.SuppressionView;

import java.util.Arrays;

@Path("/api/suppressions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Suppressions")
public class SuppressionResource {

    private final SuppressionService suppressions;

    public SuppressionResource(SuppressionService suppressions) {
        this.suppressions = suppressions;
    }

    @GET
    @Operation(summary = "Suppressed addresses, optionally of one reason (bounce_soft, unsubscribe, manual, bounce_hard, complaint)")
    public Uni<PageResponse<SuppressionView>> list(@QueryParam("reason") String reason, @Valid @BeanParam KeysetPageRequest page) {
        return suppressions.list(reason == null || reason.isBlank() ? null : parseReason(reason), page);
    }

    @GET
    @Path("/{email}")
    @Operation(summary = "Whether and why an address is suppressed")
    public Uni<SuppressionView> get(@PathParam("email") String email) {
        return suppressions.find(email).onItem().ifNull().failWith(() -> new NotFoundException("That address is not suppressed"));
    }

    @PUT
    @Path("/{email}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Suppress an address by hand (reason manual unless given); a stronger existing reason stays")
    public Uni<Response> put(@PathParam("email") @Email @NotBlank String email, @Valid SuppressRequest request) {
        SuppressionReason reason = request == null || request.reason() == null ? SuppressionReason.MANUAL : parseReason(request.reason());
        return suppressions.suppress(email, reason, SuppressionSource.OPS, request == null ? null : request.detail())
                .map(result -> Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                        .entity(result.suppression()).build());
    }

    @DELETE
    @Path("/{email}")
    // no body on success: a client that accepts only the error type must not get 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Lift a suppression")
    public Uni<Response> delete(@PathParam("email") String email) {
        return suppressions.remove(email).map(removed -> {
            if (!removed) {
                throw new NotFoundException("That address is not suppressed");
            }
            return Response.noContent().build();
        });
    }

    public record SuppressRequest(
            @Pattern(regexp = "bounce_soft|unsubscribe|manual|bounce_hard|complaint", message = "must be one of bounce_soft, unsubscribe, manual, bounce_hard, complaint")
            String reason,
            @Size(max = 1000) String detail) {
    }

    private static SuppressionReason parseReason(String reason) {
        try {
            return SuppressionReason.fromCode(reason);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("reason must be one of " + Arrays.stream(SuppressionReason.values()).map(SuppressionReason::code).toList());
        }
    }
}
