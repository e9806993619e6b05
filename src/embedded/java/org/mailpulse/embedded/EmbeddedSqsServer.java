package org.mailpulse.embedded;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.util.NowProvider;
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

import scala.Option;

/**
 * ElasticMQ on loopback with the input queue of SES events and its dead-letter queue. {@link #stop()} and
 * {@link #restart()} play an outage: the HTTP endpoint goes away, the queues and their messages stay in the
 * queue manager, as they would in SQS.
 */
public final class EmbeddedSqsServer implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final String INPUT_QUEUE = "mailpulse-ses-events";
    public static final String DEAD_LETTER_QUEUE = "mailpulse-ses-events-dlq";
    /** SQS moves a message to the dead-letter queue after this many receives; MailPulse backs off long before. */
    public static final int MAX_RECEIVE_COUNT = 10;

    private final ActorSystem actors;
    private final ActorRef queues;
    private final int port;
    private volatile SQSRestServer server;
    private String inputQueueUrl;
    private String deadLetterQueueUrl;

    private EmbeddedSqsServer(int port) {
        this.port = port;
        this.actors = ActorSystem.create("elasticmq-" + port);
        this.queues = actors.actorOf(Props.create(QueueManagerActor.class, new NowProvider(), StrictSQSLimits$.MODULE$, Option.empty()));
    }

    public static EmbeddedSqsServer start(int port) {
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(port);
        sqs.restart();
        sqs.createQueues();
        return sqs;
    }

    /** Closes the HTTP endpoint; queued messages stay. */
    public synchronized void stop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    /** Serves the same queues again on the same port. */
    public synchronized void restart() {
        if (server == null) {
            SQSRestServer listening = SQSRestServerBuilder
                    .withActorSystem(actors)
                    .withQueueManagerActor(queues)
                    .withInterface("127.0.0.1")
                    .withPort(port)
                    .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                    .withAWSRegion(REGION)
                    .start();
            listening.waitUntilStarted();
            server = listening;
        }
    }

    private void createQueues() {
        try (SqsClient sqs = client(port)) {
            String dlqUrl = sqs.createQueue(b -> b.queueName(DEAD_LETTER_QUEUE)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}";
            String inputUrl = sqs.createQueue(b -> b.queueName(INPUT_QUEUE).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "60",
                    QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
            this.inputQueueUrl = inputUrl;
            this.deadLetterQueueUrl = dlqUrl;
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
        stop();
        actors.terminate();
    }
}
