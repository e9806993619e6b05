package org.mailpulse.embedded;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.Map;

/** ElasticMQ on loopback with the input queue of SES events and its dead-letter queue. */
public final class EmbeddedSqsServer implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final String INPUT_QUEUE = "mailpulse-ses-events";
    public static final String DEAD_LETTER_QUEUE = "mailpulse-ses-events-dlq";
    /** SQS moves a message to the dead-letter queue after this many receives; MailPulse backs off long before. */
    public static final int MAX_RECEIVE_COUNT = 10;

    private final SQSRestServer server;
    private final int port;
    private final String inputQueueUrl;
    private final String deadLetterQueueUrl;

    private EmbeddedSqsServer(SQSRestServer server, int port, String inputQueueUrl, String deadLetterQueueUrl) {
        this.server = server;
        this.port = port;
        this.inputQueueUrl = inputQueueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    public static EmbeddedSqsServer start(int port) {
        SQSRestServer server = SQSRestServerBuilder
                .withInterface("127.0.0.1")
                .withPort(port)
                .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                .withAWSRegion(REGION)
                .start();
        server.waitUntilStarted();
        try (SqsClient sqs = client(port)) {
            String dlqUrl = sqs.createQueue(b -> b.queueName(DEAD_LETTER_QUEUE)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}";
            String inputUrl = sqs.createQueue(b -> b.queueName(INPUT_QUEUE).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "60",
                    QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
            return new EmbeddedSqsServer(server, port, inputUrl, dlqUrl);
        }
    }

    public static SqsClient client(int port) {
        return SqsClient.builder()
                .endpointOverride(URI.create("http://localhost:" + port))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://localhost:" + port;
    }

    public String inputQueueUrl() {
        return inputQueueUrl;
    }

    public String deadLetterQueueUrl() {
        return deadLetterQueueUrl;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
