package org.mailpulse.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server that plays webhook receivers, one behaviour per path: {@code /ok} and {@code /ok/...} (204),
 * {@code /fail-first/N} (500 for the first N attempts of each webhook-id, then 200), {@code /status/CODE},
 * {@code /hang} (answers only when the receiver stops) and {@code /redirect} (302 to /ok). Every request is recorded
 * with its headers (lower-case names) and exact body.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Received(String path, Map<String, String> headers, String body, int answered, Instant at) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private WebhookReceiver(String address) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** On 127.0.0.2, the loopback address the test profile allows (mailpulse.webhooks.allowed-networks). */
    public static WebhookReceiver start() {
        return new WebhookReceiver("127.0.0.2");
    }

    /** On 127.0.0.1, which the guard must never let a delivery reach. */
    public static WebhookReceiver startOnForbiddenLoopback() {
        return new WebhookReceiver("127.0.0.1");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        int status = answer(path, headers.getOrDefault("webhook-id", ""));
        if (status == 0) {
            try {
                stopped.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = 200;
        }
        received.add(new Received(path, Map.copyOf(headers), body, status, Instant.now()));
        if (status == 302) {
            exchange.getResponseHeaders().add("Location", url("/ok"));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private int answer(String path, String webhookId) {
        if (path.equals("/ok") || path.startsWith("/ok/")) {
            return 204;
        }
        if (path.startsWith("/fail-first/")) {
            int failures = Integer.parseInt(path.substring("/fail-first/".length()));
            int attempt = attemptsById.computeIfAbsent(path + webhookId, id -> new AtomicInteger()).incrementAndGet();
            return attempt <= failures ? 500 : 200;
        }
        if (path.startsWith("/status/")) {
            return Integer.parseInt(path.substring("/status/".length()));
        }
        if (path.equals("/hang")) {
            return 0;
        }
        if (path.equals("/redirect")) {
            return 302;
        }
        return 404;
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
