package org.mailpulse.message.rest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.message.service.MessageQueryService;
import org.mailpulse.message.service.MessageView;

@Path("/api/messages")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Messages")
public class MessageResource {

    private final MessageQueryService messages;

    public MessageResource(MessageQueryService messages) {
        this.messages = messages;
    }

    @GET
    @Path("/{sesMessageId}")
    @Operation(summary = "A message by its SES message id: status, first time of each event, history")
    public Uni<MessageView> get(@PathParam("sesMessageId") String sesMessageId) {
        return messages.find(sesMessageId)
                .onItem().ifNull().failWith(() -> new NotFoundException("No message with SES message id " + sesMessageId));
    }
}
