package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResource;
import org.mailpulse.embedded.EmbeddedPostgresServer;
import org.mailpulse.embedded.EmbeddedSqsServer;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The one set of real servers every {@code @QuarkusTest} shares (declared once here, so the application starts
 * once per test run), and handles for tests to reach them. Handles go through system properties because the
 * resources and the tests live in different class loaders.
 */
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTestResource(SesResource.class)
@QuarkusTestResource(ManagementPortResource.class)
public final class TestServers {

    static final String PG_DATA_DIR = "mptest.pg.data-dir";
    static final String PG_JDBC_URL = "mptest.pg.jdbc-url";
    static final String SQS_PORT = "mptest.sqs.port";
    static final String SQS_QUEUE_URL = "mptest.sqs.queue-url";
    static final String SQS_DLQ_URL = "mptest.sqs.dlq-url";
    static final String SES_ENDPOINT = "mptest.ses.endpoint";
    static final String SES_PROXY = "mptest.ses.proxy";
    static final String MONGO = "MongoDB";
    static final String MONGO_URL = "mptest.mongo.url";
    static final String SQS = "SQS";
    static final String MANAGEMENT_PORT = "mptest.management.port";

    private TestServers() {
    }

    /** A plain JDBC connection for assertions and fixtures, outside the application. */
    public static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(System.getProperty(PG_JDBC_URL), EmbeddedPostgresServer.username(), "");
    }

    public static void stopPostgres() {
        EmbeddedPostgresServer.stop(Path.of(System.getProperty(PG_DATA_DIR)));
    }

    public static void startPostgres() {
        EmbeddedPostgresServer.restart(Path.of(System.getProperty(PG_DATA_DIR)));
    }

    /** The MongoDB stand-in goes away with its connections; started again, it has the same documents. */
    public static void stopMongo() {
        ServerControl.invoke(MONGO, "stop");
    }

    public static void startMongo() {
        ServerControl.invoke(MONGO, "start");
    }

    /** ElasticMQ's endpoint goes away; started again, it serves the same queues with the same messages. */
    public static void stopSqs() {
        ServerControl.invoke(SQS, "stop");
    }

    public static void startSqs() {
        ServerControl.invoke(SQS, "start");
    }

    /**
     * The configuration another instance of the application needs to join the test servers, as -D options
     * (sending off, so only ingestion is exercised; the management interface, as in production, on a free port).
     */
    public static java.util.List<String> applicationOptions(int httpPort) {
        String sqs = "http://localhost:" + System.getProperty(SQS_PORT);
        java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of(
                "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.enabled=true",
                "-Dquarkus.management.port=" + org.mailpulse.embedded.FreePort.find(),
                "-Dquarkus.datasource.jdbc.url=" + System.getProperty(PG_JDBC_URL),
                "-Dquarkus.datasource.reactive.url=" + System.getProperty(PG_JDBC_URL).replace("jdbc:", ""),
                "-Dquarkus.datasource.username=" + EmbeddedPostgresServer.username(),
                "-Dquarkus.datasource.password=",
                "-Dquarkus.mongodb.connection-string=" + System.getProperty(MONGO_URL),
                "-Dquarkus.sqs.endpoint-override=" + sqs,
                "-Dquarkus.ses.endpoint-override=" + sesProxy(),
                "-Dmailpulse.ingest.queue-url=" + queueUrl(),
                "-Dmailpulse.ingest.dead-letter-queue-url=" + deadLetterQueueUrl(),
                "-Dmailpulse.ingest.wait-time-seconds=1",
                "-Dmailpulse.sending.enabled=false"));
        for (String service : java.util.List.of("sqs", "ses")) {
            options.add("-Dquarkus." + service + ".aws.region=" + EmbeddedSqsServer.REGION);
            options.add("-Dquarkus." + service + ".aws.credentials.type=static");
            options.add("-Dquarkus." + service + ".aws.credentials.static-provider.access-key-id=" + EmbeddedSqsServer.ACCESS_KEY);
            options.add("-Dquarkus." + service + ".aws.credentials.static-provider.secret-access-key=" + EmbeddedSqsServer.SECRET_KEY);
        }
        return options;
    }

    /** ElasticMQ's endpoint. */
    public static String sqsEndpoint() {
        return "http://localhost:" + System.getProperty(SQS_PORT);
    }

    /** The management port of the packaged application {@code @QuarkusIntegrationTest} started. */
    public static int managementPort() {
        return Integer.parseInt(System.getProperty(MANAGEMENT_PORT));
    }

    public static SqsClient sqs() {
        return EmbeddedSqsServer.client(Integer.parseInt(System.getProperty(SQS_PORT)));
    }

    public static String mongoUrl() {
        return System.getProperty(MONGO_URL);
    }

    public static String queueUrl() {
        return System.getProperty(SQS_QUEUE_URL);
    }

    public static String deadLetterQueueUrl() {
        return System.getProperty(SQS_DLQ_URL);
    }

    /** The SES emulator that keeps the mail (GET /store). */
    public static String sesEndpoint() {
        return System.getProperty(SES_ENDPOINT);
    }

    /** The SES simulator the application talks to, with its control API under /_simulator/. */
    public static String sesProxy() {
        return System.getProperty(SES_PROXY);
    }
}
