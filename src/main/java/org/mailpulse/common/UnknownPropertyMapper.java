package org.mailpulse.common;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A request body with a property the API does not know (quarkus.jackson.fail-on-unknown-properties): 400
 * problem+json naming it, rather than a misspelt field silently dropped (a lost {@code scheduledAt} would send at once).
 */
public class UnknownPropertyMapper {

    @ServerExceptionMapper
    public Response unknownProperty(UnrecognizedPropertyException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                .collect(Collectors.joining(", ", "; known properties: ", ""));
        String detail = "Unknown property '" + e.getPropertyName() + "'" + (field.equals(e.getPropertyName()) ? "" : " at " + field) + known;
        Problem body = new Problem("about:blank", "Bad Request", 400, detail, uri == null ? null : uri.getPath(),
                List.of(new Problem.FieldError(field, "is not a known property")));
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(body).build();
    }
}
