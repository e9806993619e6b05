package org.mailpulse.security;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.mailpulse.common.Problem;
import org.mailpulse.config.MailPulseConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Every /api/** call needs {@code Authorization: Bearer <token>} with one of the configured tokens. Tokens are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither content nor length leaks through
 * timing; they are never logged. The unsubscribe pages and /q/* are public. Operators who want OIDC put an
 * authenticating proxy in front (see README).
 */
@ApplicationScoped
public class BearerTokenFilter {

    private final List<byte[]> accepted;

    public BearerTokenFilter(MailPulseConfig config) {
        this.accepted = config.api().tokens().orElse(List.of()).stream().filter(t -> !t.isBlank()).map(BearerTokenFilter::digest).toList();
        if (accepted.isEmpty()) {
            Log.warn("mailpulse.api.tokens is empty: every /api call will be refused");
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && isAccepted(header.substring(7).trim())) {
            return Optional.empty();
        }
        String detail = header == null ? "Authorization: Bearer <token> is required" : "The bearer token is not valid";
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"mailpulse\"")
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", "Unauthorized", 401, detail, path, null))
                .build());
    }

    private boolean isAccepted(String token) {
        byte[] candidate = digest(token);
        boolean match = false;
        for (byte[] known : accepted) {
            match |= MessageDigest.isEqual(known, candidate);
        }
        return match;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
