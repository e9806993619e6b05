package org.mailpulse.testsupport;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@link LatencyProxy} in front of each of the test servers an ingesting instance talks to (ElasticMQ, PostgreSQL,
 * MongoDB), and the options that make an {@link AppInstance} reach them only through the proxies, on an input queue
 * of its own (so the instance the tests started does not take its messages).
 */
public final class LatencyProxies implements AutoCloseable {

    private final LatencyProxy sqs;
    private final LatencyProxy postgres;
    private final LatencyProxy mongo;

    private LatencyProxies(LatencyProxy sqs, LatencyProxy postgres, LatencyProxy mongo) {
        this.sqs = sqs;
        this.postgres = postgres;
        this.mongo = mongo;
    }

    public static LatencyProxies start() {
        LatencyProxy sqs = LatencyProxy.start("127.0.0.1", Integer.parseInt(System.getProperty(TestServers.SQS_PORT)));
        LatencyProxy postgres = LatencyProxy.start("127.0.0.1", port(System.getProperty(TestServers.PG_JDBC_URL).replace("jdbc:", "")));
        LatencyProxy mongo = LatencyProxy.start("127.0.0.1", port(TestServers.mongoUrl()));
        return new LatencyProxies(sqs, postgres, mongo);
    }

    /** The same round trip, half each way, between the application and each of the three servers. */
    public LatencyProxies roundTrip(Duration roundTrip) {
        for (LatencyProxy proxy : List.of(sqs, postgres, mongo)) {
            proxy.roundTrip(roundTrip);
        }
        return this;
    }

    /**
     * A launch of an instance that reaches SQS, PostgreSQL and MongoDB only through the proxies and ingests
     * {@code queueUrl}; everything else as {@link TestServers#applicationOptions} configures it (the test profile, a
     * 1 s poll, sending off), with the default ingestion settings.
     */
    public AppInstance.Launch launch(String queueUrl) {
        String postgresUrl = "postgresql://localhost:" + postgres.port() + "/postgres";
        return AppInstance.Launch.options(
                "-Dquarkus.sqs.endpoint-override=http://localhost:" + sqs.port(),
                "-Dquarkus.datasource.reactive.url=" + postgresUrl,
                "-Dquarkus.datasource.jdbc.url=jdbc:" + postgresUrl,
                "-Dquarkus.mongodb.connection-string=mongodb://localhost:" + mongo.port(),
                "-Dmailpulse.ingest.queue-url=" + queueUrl);
    }

    /** A new queue on the test ElasticMQ, for one instance's input alone. */
    public static String createQueue(String name) {
        try (SqsClient client = TestServers.sqs()) {
            return client.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "10"))).queueUrl();
        }
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    @Override
    public void close() {
        for (LatencyProxy proxy : List.of(sqs, postgres, mongo)) {
            proxy.close();
        }
    }
}
