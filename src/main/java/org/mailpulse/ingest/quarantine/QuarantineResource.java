package org.mailpulse.ingest.quarantine;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.Cursor;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;

import java.time.Instant;

@Path("/api/ingest/quarantine")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Ingestion")
public class QuarantineResource {

    private final QuarantineRepository quarantine;

    public QuarantineResource(QuarantineRepository quarantine) {
        this.quarantine = quarantine;
    }

    @RegisterForReflection
    public record QuarantinedView(long id, String sqsMessageId, String reason, String body, boolean bodyTruncated, Instant receivedAt) {
    }

    @GET
    @WithSession
    @Operation(summary = "SQS messages that could not be processed, newest first, with the reason and the body")
    public Uni<PageResponse<QuarantinedView>> list(@Valid @BeanParam KeysetPageRequest request) {
        Cursor after = request.after(1);
        var query = after == null ? quarantine.findAll(Sort.descending("id")) : quarantine.find("id < ?1", Sort.descending("id"), after.number(0));
        return Pages.keyset(query, request, q -> Cursor.of(q.id),
                q -> new QuarantinedView(q.id, q.sqsMessageId, q.reason, q.body, q.bodyTruncated, q.receivedAt));
    }
}
