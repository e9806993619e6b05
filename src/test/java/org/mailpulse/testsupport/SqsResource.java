package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;

import java.util.HashMap;
import java.util.Map;

/** ElasticMQ with the input queue and its dead-letter queue. */
public class SqsResource implements QuarkusTestResourceLifecycleManager {

    private volatile EmbeddedSqsServer server;

    @Override
    public Map<String, String> start() {
        int port = FreePort.find();
        server = EmbeddedSqsServer.start(port);
        ServerControl.publish(TestServers.SQS, () -> server.stop(), () -> server.restart());
        System.setProperty(TestServers.SQS_PORT, String.valueOf(server.port()));
        System.setProperty(TestServers.SQS_QUEUE_URL, server.inputQueueUrl());
        System.setProperty(TestServers.SQS_DLQ_URL, server.deadLetterQueueUrl());
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.sqs.endpoint-override", server.endpoint());
        config.put("quarkus.sqs.aws.region", EmbeddedSqsServer.REGION);
        config.put("quarkus.sqs.aws.credentials.type", "static");
        config.put("quarkus.sqs.aws.credentials.static-provider.access-key-id", EmbeddedSqsServer.ACCESS_KEY);
        config.put("quarkus.sqs.aws.credentials.static-provider.secret-access-key", EmbeddedSqsServer.SECRET_KEY);
        config.put("mailpulse.ingest.queue-url", server.inputQueueUrl());
        config.put("mailpulse.ingest.dead-letter-queue-url", server.deadLetterQueueUrl());
        // Short polls keep the tests and shutdown quick; production keeps the 20 s long poll.
        config.put("mailpulse.ingest.wait-time-seconds", "1");
        config.put("mailpulse.ingest.initial-backoff", "200ms");
        config.put("mailpulse.ingest.max-backoff", "2s");
        config.put("mailpulse.ingest.visibility-timeout-seconds", "5");
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
