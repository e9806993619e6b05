package org.mailpulse.ses;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.quarkiverse.amazon.ses.runtime.SesConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.embedded.RequestSignature;
import org.mailpulse.embedded.ses.SesSimulator;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SES v2 client honours the {@code quarkus.ses.*} keys of the SES extension: each case builds the client from
 * the extension's own configuration mapping and sends a real SendEmail over HTTP, to the SES simulator (which
 * records who signed it) or to a server that accepts connections and never answers (for the client's limits).
 */
class SesClientProducerTest {

    private static EventLoopGroup eventLoops;
    private SesSimulator ses;
    private final Map<String, String> savedProperties = new HashMap<>();

    @BeforeAll
    static void eventLoops() {
        eventLoops = new NioEventLoopGroup(1);
    }

    @AfterAll
    static void closeEventLoops() {
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @BeforeEach
    void simulator() {
        ses = SesSimulator.start(0, SesSimulator.Options.defaults());
    }

    @AfterEach
    void close() {
        ses.close();
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void staticCredentialsAndRegionSignTheRequest() throws Exception {
        try (SesV2AsyncClient client = client(ses.endpoint(), Map.of(
                "quarkus.ses.aws.region", "eu-west-3",
                "quarkus.ses.aws.credentials.type", "static",
                "quarkus.ses.aws.credentials.static-provider.access-key-id", "AKIASTATICKEY0001",
                "quarkus.ses.aws.credentials.static-provider.secret-access-key", "static-secret",
                "quarkus.ses.aws.credentials.static-provider.session-token", "static-session"))) {
            send(client);
        }
        assertThat(lastSignature()).isEqualTo(new RequestSignature("AKIASTATICKEY0001", "eu-west-3", "ses", true));
    }

    @Test
    void profileCredentialsComeFromTheNamedProfileOfTheCredentialsFile() throws Exception {
        Path credentials = Files.createTempFile("aws-credentials-", "");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = AKIADEFAULTPROFILE
                aws_secret_access_key = default-secret

                [mailpulse-test]
                aws_access_key_id = AKIANAMEDPROFILE01
                aws_secret_access_key = named-secret
                """);
        Path config = Files.createTempFile("aws-config-", "");
        try {
            setSystemProperty("aws.sharedCredentialsFile", credentials.toString());
            setSystemProperty("aws.configFile", config.toString());
            try (SesV2AsyncClient client = client(ses.endpoint(), Map.of(
                    "quarkus.ses.aws.credentials.type", "profile",
                    "quarkus.ses.aws.credentials.profile-provider.profile-name", "mailpulse-test"))) {
                send(client);
            }
        } finally {
            Files.deleteIfExists(credentials);
            Files.deleteIfExists(config);
        }
        assertThat(lastSignature()).isEqualTo(new RequestSignature("AKIANAMEDPROFILE01", "us-east-1", "ses", false));
    }

    @Test
    void systemPropertyCredentials() throws Exception {
        setSystemProperty("aws.accessKeyId", "AKIASYSTEMPROP001");
        setSystemProperty("aws.secretAccessKey", "system-secret");
        try (SesV2AsyncClient client = client(ses.endpoint(), Map.of("quarkus.ses.aws.credentials.type", "system-property"))) {
            send(client);
        }
        assertThat(lastSignature().accessKeyId()).isEqualTo("AKIASYSTEMPROP001");
    }

    @Test
    void withoutACredentialsTypeTheDefaultChainIsUsed() throws Exception {
        setSystemProperty("aws.accessKeyId", "AKIADEFAULTCHAIN1");
        setSystemProperty("aws.secretAccessKey", "chain-secret");
        setSystemProperty("aws.sessionToken", "chain-session");
        try (SesV2AsyncClient client = client(ses.endpoint(), Map.of())) {
            send(client);
        }
        assertThat(lastSignature()).isEqualTo(new RequestSignature("AKIADEFAULTCHAIN1", "us-east-1", "ses", true));
    }

    @Test
    void maxConcurrencyAndPendingAcquiresBoundTheConnections() throws Exception {
        try (SilentServer silent = new SilentServer();
             SesV2AsyncClient client = client(silent.endpoint(), staticKeys("AKIALIMITS", "limits", "quarkus.ses.async-client.max-concurrency", "1",
                     "quarkus.ses.async-client.max-pending-connection-acquires", "1",
                     "quarkus.ses.async-client.connection-acquisition-timeout", "60s"))) {
            CompletableFuture<SendEmailResponse> first = sendAsync(client);
            silent.awaitConnections(1);
            CompletableFuture<SendEmailResponse> second = sendAsync(client);
            CompletableFuture<SendEmailResponse> third = sendAsync(client);
            assertThatThrownBy(() -> third.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasStackTraceContaining("Too many outstanding acquire operations");
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
            assertThat(silent.connections()).isEqualTo(1);
        }
    }

    @Test
    void connectionAcquisitionTimeoutFailsARequestThatFindsNoFreeConnection() throws Exception {
        try (SilentServer silent = new SilentServer();
             SesV2AsyncClient client = client(silent.endpoint(), staticKeys("AKIALIMITS", "limits", "quarkus.ses.async-client.max-concurrency", "1",
                     "quarkus.ses.async-client.connection-acquisition-timeout", "200ms"))) {
            CompletableFuture<SendEmailResponse> first = sendAsync(client);
            silent.awaitConnections(1);
            assertThatThrownBy(() -> sendAsync(client).get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasStackTraceContaining("Acquire operation took longer than the configured maximum time");
            assertThat(first).isNotDone();
        }
    }

    @Test
    void readTimeoutEndsARequestWithoutAnswer() throws Exception {
        try (SilentServer silent = new SilentServer();
             SesV2AsyncClient client = client(silent.endpoint(), staticKeys("AKIATIMEOUT", "timeout", "quarkus.ses.async-client.read-timeout", "300ms"))) {
            assertThatThrownBy(() -> sendAsync(client).get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasStackTraceContaining("ReadTimeoutException");
        }
    }

    @Test
    void apiCallTimeoutEndsTheCall() throws Exception {
        try (SilentServer silent = new SilentServer();
             SesV2AsyncClient client = client(silent.endpoint(), staticKeys("AKIATIMEOUT", "timeout", "quarkus.ses.api-call-timeout", "300ms"))) {
            assertThatThrownBy(() -> sendAsync(client).get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ApiCallTimeoutException.class);
        }
    }

    @Test
    void anOverriddenEventLoopRunsOnThreadsOfItsOwn() throws Exception {
        try (SesV2AsyncClient client = client(ses.endpoint(), staticKeys("AKIALOOP", "loop", "quarkus.ses.async-client.event-loop.override", "true",
                "quarkus.ses.async-client.event-loop.number-of-threads", "1",
                "quarkus.ses.async-client.event-loop.thread-name-prefix", "ses-own-loop"))) {
            send(client);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .anyMatch(name -> name.startsWith("ses-own-loop"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static SesV2AsyncClient client(String endpoint, Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of(
                "quarkus.ses.endpoint-override", endpoint,
                "quarkus.ses.aws.region", "us-east-1"));
        all.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDiscoveredConverters()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(SesConfig.class)
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build();
        return SesClientProducer.build(config.getConfigMapping(SesConfig.class), () -> eventLoops);
    }

    private static void send(SesV2AsyncClient client) throws Exception {
        assertThat(sendAsync(client).get(30, TimeUnit.SECONDS).messageId()).isNotBlank();
    }

    private static CompletableFuture<SendEmailResponse> sendAsync(SesV2AsyncClient client) {
        return client.sendEmail(b -> b.fromEmailAddress("sender@example.com")
                .destination(d -> d.toAddresses("reader@example.com"))
                .content(c -> c.simple(m -> m.subject(s -> s.data("Hello")).body(body -> body.text(t -> t.data("Hi"))))));
    }

    private RequestSignature lastSignature() {
        List<SesSimulator.SignedRequest> signed = ses.signatures();
        assertThat(signed).isNotEmpty();
        SesSimulator.SignedRequest last = signed.get(signed.size() - 1);
        assertThat(last.request()).isEqualTo("POST " + SesSimulator.SEND_EMAIL_PATH);
        return last.signature();
    }

    private void setSystemProperty(String name, String value) {
        savedProperties.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    /** Accepts connections and reads nothing, answers nothing. */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (!socket.isClosed()) {
                        accepted.add(socket.accept());
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String endpoint() {
            return "http://localhost:" + socket.getLocalPort();
        }

        int connections() {
            return accepted.size();
        }

        void awaitConnections(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accepted.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(accepted).hasSizeGreaterThanOrEqualTo(count);
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket connection : new ArrayList<>(accepted)) {
                    connection.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Static credentials of the SES client, then further settings as key, value pairs. */
    private static Map<String, String> staticKeys(String keyId, String secret, String... settings) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.ses.aws.credentials.type", "static");
        config.put("quarkus.ses.aws.credentials.static-provider.access-key-id", keyId);
        config.put("quarkus.ses.aws.credentials.static-provider.secret-access-key", secret);
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        return config;
    }
}
