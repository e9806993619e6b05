package org.mailpulse.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.mailpulse.embedded.RequestSignature;
import org.mailpulse.embedded.ses.UpstreamForwarder;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy on loopback in front of a server that does not record who signed its requests (ElasticMQ): it
 * forwards every request as it came, relays the answer, and keeps the {@link RequestSignature} and the
 * {@code X-Amz-Target} (the operation of JSON-protocol services such as SQS) of each.
 */
public final class RecordingProxy implements AutoCloseable {

    /** One forwarded request: its operation (X-Amz-Target, or null) and its signature (null if unsigned). */
    public record Seen(String target, RequestSignature signature) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final UpstreamForwarder upstream;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

    private RecordingProxy(HttpServer server, ExecutorService executor, UpstreamForwarder upstream) {
        this.server = server;
        this.executor = executor;
        this.upstream = upstream;
    }

    public static RecordingProxy start(String upstream) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "recording-proxy");
            thread.setDaemon(true);
            return thread;
        });
        RecordingProxy proxy = new RecordingProxy(server, executor, new UpstreamForwarder(URI.create(upstream)));
        server.createContext("/", proxy::handle);
        server.setExecutor(executor);
        server.start();
        return proxy;
    }

    public String endpoint() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The requests forwarded so far, oldest first. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            seen.add(new Seen(exchange.getRequestHeaders().getFirst("X-Amz-Target"), RequestSignature.of(exchange.getRequestHeaders())));
            UpstreamForwarder.Response response;
            try {
                response = upstream.forward(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders(), body);
            } catch (IOException e) {
                byte[] text = ("upstream " + upstream.base() + " unreachable: " + e).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(502, text.length);
                exchange.getResponseBody().write(text);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            response.headers().forEach((name, values) -> {
                if (UpstreamForwarder.relayable(name)) {
                    exchange.getResponseHeaders().put(name, new ArrayList<>(values));
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
