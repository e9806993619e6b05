package org.mailpulse.unsubscribe.rest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailpulse.common.Emails;
import org.mailpulse.unsubscribe.service.UnsubscribeService;
import org.mailpulse.unsubscribe.service.UnsubscribeService.Lookup;

/**
 * The public unsubscribe link. GET only shows a confirmation page (mail scanners fetch links); POST, from that
 * page's form or as the RFC 8058 one-click request ({@code List-Unsubscribe=One-Click}), unsubscribes.
 */
@Path("/unsubscribe/{token}")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "Unsubscribe")
public class UnsubscribeResource {

    private final UnsubscribeService unsubscribe;

    public UnsubscribeResource(UnsubscribeService unsubscribe) {
        this.unsubscribe = unsubscribe;
    }

    @GET
    @Operation(summary = "Confirmation page; changes nothing")
    public Uni<Response> confirm(@PathParam("token") String token) {
        return unsubscribe.lookup(token).map(lookup -> switch (lookup.state()) {
            case VALID -> page(200, "Unsubscribe", "Stop receiving these emails at " + Emails.mask(lookup.email()) + "?",
                    "<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>");
            case USED -> page(200, "Unsubscribed", "This address is already unsubscribed.", "");
            case EXPIRED -> expired();
            case UNKNOWN -> unknown();
        });
    }

    @POST
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Operation(summary = "Unsubscribe (RFC 8058 one-click or the confirmation form); idempotent")
    public Uni<Response> unsubscribe(@PathParam("token") String token) {
        return unsubscribe.unsubscribe(token).map(this::result);
    }

    private Response result(Lookup lookup) {
        return switch (lookup.state()) {
            case VALID, USED -> page(200, "Unsubscribed", "You will not receive these emails any more.", "");
            case EXPIRED -> expired();
            case UNKNOWN -> unknown();
        };
    }

    private static Response expired() {
        return page(410, "Link expired", "This unsubscribe link has expired. Use the link in a more recent email, or reply to it.", "");
    }

    private static Response unknown() {
        return page(404, "Link not recognised", "This unsubscribe link is not valid. Check that it was copied completely.", "");
    }

    /** A small self-contained page; nothing from the request is echoed into it. */
    private static Response page(int status, String title, String text, String form) {
        String html = """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <meta name="robots" content="noindex"><title>%s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.5rem}</style>
                </head><body><h1>%s</h1><p>%s</p>%s</body></html>
                """.formatted(title, title, text.replace("<", "&lt;"), form);
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }
}
