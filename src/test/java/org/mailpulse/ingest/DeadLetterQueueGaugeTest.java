package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The depth of the dead-letter queue in ElasticMQ shows at /q/metrics as mailpulse_ingest_dead_letter_messages. */
@QuarkusTest
class DeadLetterQueueGaugeTest {

    private static final String GAUGE = "mailpulse_ingest_dead_letter_messages";
    private static final int MESSAGES = 7;

    @Test
    void theGaugeFollowsTheDeadLetterQueuesDepth() {
        String dlq = TestServers.deadLetterQueueUrl();
        int before = Queue.depth(dlq);
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge() == before);
        String marker = "dlq-gauge-" + UUID.randomUUID();
        try (SqsClient sqs = TestServers.sqs()) {
            for (int i = 0; i < MESSAGES; i++) {
                String body = marker + "-" + i;
                sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(body));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge() == before + MESSAGES);

            removeMarked(sqs, dlq, marker);
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge() == before);
        }
        assertThat(Queue.depth(dlq)).isEqualTo(before);
    }

    /** The gauge's value at /q/metrics; fails if it is not exported. */
    private static double gauge() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> samples = metrics.lines().filter(line -> line.startsWith(GAUGE + " ") || line.startsWith(GAUGE + "{")).toList();
        assertThat(samples).as(GAUGE + " at /q/metrics").hasSize(1);
        return Double.parseDouble(samples.get(0).substring(samples.get(0).lastIndexOf(' ') + 1));
    }

    /** Deletes this test's messages; any other message is made visible again at once. */
    private static void removeMarked(SqsClient sqs, String queueUrl, String marker) {
        int removed = 0;
        for (int round = 0; round < 50 && removed < MESSAGES; round++) {
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(5)).messages();
            for (Message message : received) {
                if (message.body().startsWith(marker)) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    removed++;
                } else {
                    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
                }
            }
        }
        assertThat(removed).as("test messages removed from the dead-letter queue").isEqualTo(MESSAGES);
    }
}
