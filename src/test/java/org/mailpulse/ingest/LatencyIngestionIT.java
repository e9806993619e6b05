package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.LatencyProxies;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ingestion with SQS, PostgreSQL and MongoDB a few milliseconds away (every connection of the instance through a
 * {@link org.mailpulse.testsupport.LatencyProxy}), default pipeline settings, many batches in flight: every event
 * is applied once, nothing is lost when the instance is killed mid-stream, and no message is ever deleted before
 * its effects are committed.
 */
@QuarkusIntegrationTest
class LatencyIngestionIT {

    private static final int MESSAGES = 100;
    private static final String FOR_CAMPAIGN = "select count(*) from email_events_op where campaign_id = ?";

    @Test
    void appliesEveryEventOnceThroughTheDelayedConnectionsAndSurvivesAKill() throws Exception {
        UUID campaign = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        List<String> bodies = new ArrayList<>();
        for (String fixture : List.of("publishing/delivery.json", "publishing/open.json", "publishing/click.json")) {
            for (SentMessage m : messages) {
                bodies.add(SesFixtures.event(fixture).messageId(m.sesMessageId()).recipient(m.email()).inSnsEnvelope("sns-" + UUID.randomUUID()));
            }
        }
        String queueUrl = LatencyProxies.createQueue("latency-it-" + UUID.randomUUID().toString().substring(0, 8));
        long quarantinedBefore = Db.count("select count(*) from ingest_quarantine");

        try (LatencyProxies proxies = LatencyProxies.start().roundTrip(Duration.ofMillis(6));
             AppInstance instance = AppInstance.start("latency", proxies.launch(queueUrl)
                     .withOptions("-Dmailpulse.ingest.visibility-timeout-seconds=10"))) {
            instance.awaitReady(Duration.ofSeconds(120));
            send(queueUrl, bodies);

            // A message leaves the queue only after its effects are committed: the deleted never outnumber the applied.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                int deleted = bodies.size() - Queue.depth(queueUrl);
                long applied = Db.count(FOR_CAMPAIGN, campaign);
                assertThat(deleted).as("messages deleted, at most the events committed").isLessThanOrEqualTo((int) applied);
                return applied >= bodies.size() / 3;
            });

            instance.kill();
            // The same bodies again, as SQS redelivers: each must be recognised as a duplicate.
            send(queueUrl, bodies.subList(0, 30));
            instance.launch();
            instance.awaitReady(Duration.ofSeconds(120));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> Queue.depth(queueUrl) == 0);
            assertThat(Db.count(FOR_CAMPAIGN, campaign)).as("history rows, one per event").isEqualTo(bodies.size());
            assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'CLICKED' and open_count = 1 and click_count = 1",
                    campaign)).as("messages with each event applied once").isEqualTo(MESSAGES);
            assertThat(Db.count("select count(*) from ingest_quarantine") - quarantinedBefore).isZero();
            assertThat(instance.metric("mailpulse_ingest_duplicates_total")).as("the resent bodies").isGreaterThanOrEqualTo(30);
        } finally {
            try (SqsClient sqs = TestServers.sqs()) {
                sqs.deleteQueue(b -> b.queueUrl(queueUrl));
            }
        }
    }

    private static void send(String queueUrl, List<String> bodies) {
        try (SqsClient sqs = TestServers.sqs()) {
            for (int from = 0; from < bodies.size(); from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(bodies.get(i)).build());
                }
                sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            }
        }
    }
}
