package org.mailpulse.security;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailpulse.embedded.EmbeddedPostgresServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.LiveStream;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestCertificates;
import org.mailpulse.testsupport.TestServers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application against a PostgreSQL that speaks TLS only (plaintext connections are rejected by
 * pg_hba.conf), with a server certificate from a CA made for this test, and {@code verify-full} on both the
 * reactive datasource and Flyway's JDBC URL. Flyway, the API, the sender, ingestion and the live stream (the
 * LISTEN connection) all work, and every connection MailPulse holds is encrypted. A certificate from another CA
 * is refused: with it the application does not start, or, if only the reactive side has it, never becomes ready.
 */
@QuarkusIntegrationTest
class PostgresTlsIT {

    private static final String DATABASE = "postgres";

    private static Path directory;
    private static TestCertificates certificates;
    private static TestCertificates otherCa;
    private static EmbeddedPostgresServer postgres;
    private static String queueUrl;

    @BeforeAll
    static void tlsOnlyPostgres() throws Exception {
        ApiToken.install();
        directory = Files.createTempDirectory("mailpulse-tls");
        certificates = TestCertificates.issue(directory.resolve("ca"), "MailPulse Test CA");
        otherCa = TestCertificates.issue(directory.resolve("other-ca"), "Some Other CA");
        Path hba = directory.resolve("pg_hba.conf");
        Files.writeString(hba, """
                local     all all               trust
                hostssl   all all 127.0.0.1/32  trust
                hostssl   all all ::1/128       trust
                hostnossl all all all           reject
                """);
        postgres = EmbeddedPostgresServer.start(directory.resolve("pgdata"), FreePort.find(), Map.of(
                "ssl", "on",
                "ssl_cert_file", certificates.serverCertificate().toString(),
                "ssl_key_file", certificates.serverKey().toString(),
                "hba_file", hba.toString()));
        queueUrl = TestServers.sqs().createQueue(b -> b.queueName("tls-events-" + UUID.randomUUID())).queueUrl();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void everythingWorksOverVerifiedTlsAndEveryConnectionIsEncrypted() throws Exception {
        try (AppInstance app = AppInstance.start("tls", options(certificates.caCertificate(), certificates.caCertificate()))) {
            app.awaitReady(Duration.ofSeconds(90));
            assertThat(count("select count(*) from flyway_schema_history where success")).as("Flyway migrated over TLS").isPositive();

            String campaign = campaignOfThree(app);
            BlockingQueue<String> live = liveStream(app, campaign);
            given().baseUri(app.baseUrl()).post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(given().baseUri(app.baseUrl()).get("/api/campaigns/{id}", campaign).path("status")));
            Map<String, String> sent = sentMessages(campaign);
            assertThat(sent).as("the sender sent all three").hasSize(3);

            for (Map.Entry<String, String> message : sent.entrySet()) {
                String body = SesFixtures.event("publishing/delivery.json").messageId(message.getKey()).recipient(message.getValue())
                        .inSnsEnvelope("sns-" + UUID.randomUUID());
                TestServers.sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count("select count(*) from campaign_recipients where campaign_id = '"
                    + campaign + "' and status = 'DELIVERED'") == 3);
            List<String> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                live.drainTo(events);
                return sent.keySet().stream().allMatch(id -> events.stream().anyMatch(e -> e.contains(id) && e.contains("DELIVERED")));
            });

            List<Map<String, Object>> connections = mailPulseConnections();
            assertThat(connections).as("MailPulse's connections").isNotEmpty();
            assertThat(connections).as("every MailPulse connection is encrypted").allSatisfy(c -> assertThat(c.get("ssl")).isEqualTo(true));
            assertThat(connections).as("the LISTEN connection is among them")
                    .anySatisfy(c -> assertThat((String) c.get("query")).startsWith("LISTEN mailpulse_status"));
            System.out.println("TLS connections: " + connections);
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() throws Exception {
        try (AppInstance app = AppInstance.start("tls-wrong-ca", options(otherCa.caCertificate(), otherCa.caCertificate()))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> !app.isAlive());
            assertThat(app.log()).contains("PKIX path");
        }
        try (AppInstance app = AppInstance.start("tls-wrong-ca-reactive", options(certificates.caCertificate(), otherCa.caCertificate()))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> app.readiness() == 503);
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                assertThat(app.readiness()).as("never ready with an untrusted server certificate").isEqualTo(503);
                Thread.sleep(500);
            }
            assertThat(app.log()).contains("Status feed not connected yet");
            assertThat(mailPulseConnections()).as("no reactive connection got through").noneSatisfy(c ->
                    assertThat(c.get("application_name")).isEqualTo("vertx-pg-client"));
        }
    }

    /** The packaged application on the TLS-only server: Flyway trusts {@code flywayCa}, the reactive datasource {@code reactiveCa}. */
    private static String[] options(Path flywayCa, Path reactiveCa) {
        return new String[] {
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl(flywayCa),
                "-Dquarkus.datasource.reactive.url=postgresql://localhost:" + postgres.port() + "/" + DATABASE,
                "-Dquarkus.datasource.reactive.postgresql.ssl-mode=verify-full",
                "-Dquarkus.datasource.reactive.trust-certificate-pem=true",
                "-Dquarkus.datasource.reactive.trust-certificate-pem.certs=" + reactiveCa,
                "-Dmailpulse.ingest.queue-url=" + queueUrl,
                "-Dmailpulse.sending.enabled=true"};
    }

    private static String jdbcUrl(Path ca) {
        return "jdbc:postgresql://localhost:" + postgres.port() + "/" + DATABASE + "?sslmode=verify-full&sslrootcert=" + ca;
    }

    private static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(certificates.caCertificate()), EmbeddedPostgresServer.username(), "");
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = jdbc(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every client connection but this test's own, with its TLS state from pg_stat_ssl. */
    private static List<Map<String, Object>> mailPulseConnections() throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = jdbc(); ResultSet rs = c.createStatement().executeQuery("""
                select a.pid, a.application_name, a.client_addr::text as client, a.query, s.ssl, s.version
                from pg_stat_activity a join pg_stat_ssl s on s.pid = a.pid
                where a.backend_type = 'client backend' and a.pid <> pg_backend_pid()""")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : List.of("pid", "application_name", "client", "query", "ssl", "version")) {
                    row.put(column, rs.getObject(column));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String campaignOfThree(AppInstance app) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String template = given().baseUri(app.baseUrl()).contentType(ContentType.JSON).body(Map.of("name", "TLS", "provider", "internal",
                        "subject", "Hello {{name}}", "htmlBody", "<p>Hi {{name}}</p><a href=\"{{unsubscribeUrl}}\">unsubscribe</a>", "textBody", "Hi {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().baseUri(app.baseUrl()).contentType(ContentType.JSON).body(Map.of("name", "Over TLS", "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (String name : List.of("ada", "bob", "cy")) {
            recipients.add(Map.of("email", name + "-" + run + "@example.com", "data", Map.of("name", name)));
        }
        given().baseUri(app.baseUrl()).contentType(ContentType.JSON).body(Map.of("recipients", recipients))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().baseUri(app.baseUrl()).get("/api/customers").then().statusCode(200);
        return campaign;
    }

    /** SES message id to address, for the campaign's sent messages. */
    private static Map<String, String> sentMessages(String campaign) throws SQLException {
        Map<String, String> sent = new LinkedHashMap<>();
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(
                "select ses_message_id, email from campaign_recipients where campaign_id = ?::uuid and status = 'SENT'")) {
            ps.setString(1, campaign);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sent.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return sent;
    }

    /** The data lines of the campaign's live stream, as they arrive; subscribed when this returns. */
    private static BlockingQueue<String> liveStream(AppInstance app, String campaign) throws Exception {
        BlockingQueue<String> events = LiveStream.open(app.baseUrl(), campaign).events();
        TimeUnit.MILLISECONDS.sleep(500);
        return events;
    }
}
