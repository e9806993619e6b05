package org.mailpulse.embedded.ses;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Passes a request on, method, path, query, headers and body as they came, to another endpoint (an SES emulator
 * for the simulator in proxy mode, ElasticMQ for a recording proxy of the test harness) and hands back its answer.
 * Only the headers the JDK client sets itself (Host, Content-Length, Connection, ...) are left to it; the SigV4
 * signature then no longer matches the host, which the emulators do not check.
 */
public final class UpstreamForwarder {

    private static final Set<String> NOT_FORWARDED = Set.of(
            "host", "content-length", "connection", "keep-alive", "expect", "upgrade", "transfer-encoding",
            "te", "trailer", "proxy-connection", "http2-settings");

    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    private final URI base;
    private final HttpClient client;

    public UpstreamForwarder(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI base() {
        return base;
    }

    public Response forward(String method, URI requestUri, Map<String, List<String>> headers, byte[] body)
            throws IOException, InterruptedException {
        String query = requestUri.getRawQuery();
        URI target = URI.create(base + requestUri.getRawPath() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(30))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                    try {
                        request.header(name, value);
                    } catch (IllegalArgumentException restricted) {
                        // a header this JDK's client will not let through; it sets its own
                    }
                }
            }
        });
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    public static boolean relayable(String header) {
        String lower = header.toLowerCase(Locale.ROOT);
        return !lower.startsWith(":") && !NOT_FORWARDED.contains(lower) && !lower.equals("date");
    }
}
