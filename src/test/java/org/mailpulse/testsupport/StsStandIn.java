package org.mailpulse.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * AWS STS on loopback, for web identity only: {@code AssumeRoleWithWebIdentity} over the Query protocol (form-encoded
 * POST, XML answer) as STS answers it. It issues one set of temporary credentials ({@link #accessKeyId()}, a secret,
 * a session token) for the one role and token it was given, and the errors STS gives for anything else:
 * InvalidIdentityToken for another token, AccessDenied for another role, InvalidAction for other actions.
 */
public final class StsStandIn implements AutoCloseable {

    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String roleArn;
    private final String token;
    private final String accessKeyId = "ASIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    private final String secretAccessKey = UUID.randomUUID().toString();
    private final String sessionToken = "IQoJb3JpZ2luX2VjE" + UUID.randomUUID().toString().replace("-", "");
    private final Duration lifetime;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private StsStandIn(HttpServer server, ExecutorService executor, String roleArn, String token, Duration lifetime) {
        this.server = server;
        this.executor = executor;
        this.roleArn = roleArn;
        this.token = token;
        this.lifetime = lifetime;
    }

    /** Listens on a free loopback port; credentials are issued to {@code roleArn} for exactly {@code token}. */
    public static StsStandIn start(String roleArn, String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sts-stand-in");
            thread.setDaemon(true);
            return thread;
        });
        StsStandIn sts = new StsStandIn(server, executor, roleArn, token, Duration.ofHours(1));
        server.createContext("/", sts::handle);
        server.setExecutor(executor);
        server.start();
        return sts;
    }

    public String endpoint() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The access key id of the temporary credentials this stand-in issues. */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** AssumeRoleWithWebIdentity calls answered with credentials. */
    public int issued() {
        return issued.get();
    }

    /** Calls answered with an error. */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            if (!"POST".equals(exchange.getRequestMethod()) || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))) {
                error(exchange, 400, "InvalidAction", "Could not find operation " + form.get("Action") + " for version " + form.get("Version"));
            } else if (!"2011-06-15".equals(form.get("Version"))) {
                error(exchange, 400, "InvalidAction", "Could not find operation AssumeRoleWithWebIdentity for version " + form.get("Version"));
            } else if (!token.equals(form.get("WebIdentityToken"))) {
                error(exchange, 400, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.");
            } else if (!roleArn.equals(form.get("RoleArn"))) {
                error(exchange, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
            } else if (form.getOrDefault("RoleSessionName", "").isBlank()) {
                error(exchange, 400, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
            } else {
                issued.incrementAndGet();
                respond(exchange, 200, assumed(form.get("RoleSessionName")));
            }
        }
    }

    private String assumed(String sessionName) {
        String role = roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());
        String account = roleArn.split(":")[4];
        Instant expiration = Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        return """
                <AssumeRoleWithWebIdentityResponse xmlns="%s">
                  <AssumeRoleWithWebIdentityResult>
                    <Audience>sts.amazonaws.com</Audience>
                    <AssumedRoleUser>
                      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId>
                      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
                    </AssumedRoleUser>
                    <Provider>arn:aws:iam::%s:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/TEST</Provider>
                    <Credentials>
                      <AccessKeyId>%s</AccessKeyId>
                      <SecretAccessKey>%s</SecretAccessKey>
                      <SessionToken>%s</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                    <SubjectFromWebIdentityToken>system:serviceaccount:mailpulse:mailpulse</SubjectFromWebIdentityToken>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata>
                    <RequestId>%s</RequestId>
                  </ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """.formatted(NAMESPACE, sessionName, account, role, sessionName, account, accessKeyId, secretAccessKey,
                sessionToken, expiration, UUID.randomUUID());
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        refused.incrementAndGet();
        respond(exchange, status, """
                <ErrorResponse xmlns="%s">
                  <Error>
                    <Type>Sender</Type>
                    <Code>%s</Code>
                    <Message>%s</Message>
                  </Error>
                  <RequestId>%s</RequestId>
                </ErrorResponse>
                """.formatted(NAMESPACE, code, message, UUID.randomUUID()));
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> form = new HashMap<>();
        for (String part : ((query == null ? "" : query) + "&" + body).split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
