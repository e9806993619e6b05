package org.mailpulse.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.CompositeException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** The one place that turns exceptions into {@code application/problem+json}; no stack trace ever leaves. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String detail = e.getMessage() == null || e.getMessage().startsWith("HTTP ") ? null : e.getMessage();
        return problem(status, detail, uri, null);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(err -> err.field() + ": " + err.message()).collect(Collectors.joining("; "));
        return problem(400, detail, uri, errors);
    }

    /** Declared for the subtypes too, so that these win over the framework's own JSON mappers. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response unparsable(com.fasterxml.jackson.core.JsonParseException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        if (e instanceof MismatchedInputException m) {
            String path = m.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String field = path.isEmpty() ? "body" : path;
            return problem(400, "Invalid value for " + field, uri, List.of(new Problem.FieldError(field, "has the wrong type or format")));
        }
        return problem(400, "The request body is not valid JSON: " + e.getOriginalMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response invalidFields(InvalidFieldsException e, UriInfo uri) {
        return problem(400, e.getMessage(), uri, e.fieldErrors());
    }

    @ServerExceptionMapper
    public Response csv(CsvChunks.CsvFormatException e, UriInfo uri) {
        return problem(400, e.getMessage(), uri, null);
    }

    /** A unique or foreign key the request broke, found by the database (e.g. two requests racing for one email). */
    @ServerExceptionMapper
    public Response constraint(org.hibernate.exception.ConstraintViolationException e, UriInfo uri) {
        return problem(409, "The request conflicts with existing data (" + e.getConstraintName() + ")", uri, null);
    }

    /** PostgreSQL refused a value of the request itself (SQLSTATE class 22, e.g. U+0000 in text, a date out of range). */
    @ServerExceptionMapper
    public Response dataException(org.hibernate.exception.DataException e, UriInfo uri) {
        return unstorable(e.getSQLState(), uri);
    }

    @ServerExceptionMapper
    public Response pgException(io.vertx.pgclient.PgException e, UriInfo uri) {
        return e.getSqlState() != null && e.getSqlState().startsWith("22") ? unstorable(e.getSqlState(), uri) : unexpected(e, uri);
    }

    private Response unstorable(String sqlState, UriInfo uri) {
        return problem(400, "The request holds a value that cannot be stored (" + sqlState + ")", uri, null);
    }

    /** A date or time the request asks for lies outside what can be computed (e.g. the day after +999999999-12-31). */
    @ServerExceptionMapper
    public Response dateTime(java.time.DateTimeException e, UriInfo uri) {
        return problem(400, "A date or time of the request is out of range", uri, null);
    }

    @ServerExceptionMapper
    public Response composite(CompositeException e, UriInfo uri) {
        Throwable cause = e.getCauses().isEmpty() ? e : e.getCauses().get(0);
        if (cause instanceof WebApplicationException w) {
            return webApplication(w, uri);
        }
        if (cause instanceof ConstraintViolationException c) {
            return validation(c, uri);
        }
        if (cause instanceof org.hibernate.exception.ConstraintViolationException c) {
            return constraint(c, uri);
        }
        if (cause instanceof org.hibernate.exception.DataException d) {
            return dataException(d, uri);
        }
        if (cause instanceof io.vertx.pgclient.PgException p) {
            return pgException(p, uri);
        }
        if (cause instanceof java.time.DateTimeException d) {
            return dateTime(d, uri);
        }
        return unexpected(cause, uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (e instanceof WebApplicationException w) {
            return webApplication(w, uri);
        }
        String errorId = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s on %s", errorId, uri.getPath());
        return problem(500, "An unexpected error occurred; quote error id " + errorId + " when reporting it", uri, null);
    }

    private static Response problem(int status, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        Problem body = new Problem("about:blank", title, status, detail, uri == null ? null : uri.getPath(), errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    /** "create.request.email" → "email": the property path without the method and parameter names. */
    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        if (parts.length >= 3) {
            return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        }
        return parts[parts.length - 1];
    }
}
