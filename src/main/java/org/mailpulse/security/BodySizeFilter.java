package org.mailpulse.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.mailpulse.common.Problem;
import org.mailpulse.config.MailPulseConfig;

/**
 * A declared body over {@code mailpulse.api.max-body-size} is refused with 413 problem+json as the first thing
 * the router does, before the REST layer buffers anything.
 */
@ApplicationScoped
public class BodySizeFilter {

    private final long limit;

    public BodySizeFilter(MailPulseConfig config) {
        this.limit = config.api().maxBodySize().asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? 0 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = Long.MAX_VALUE;
            }
            if (length <= limit) {
                context.next();
                return;
            }
            Problem problem = new Problem("about:blank", "Content Too Large", 413,
                    "The request body is larger than " + limit + " bytes", context.normalizedPath(), null);
            context.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(Json.encode(problem));
        });
    }
}
