package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PostgreSQL goes away in the middle of a stream: nothing is deleted, readiness goes DOWN, and every event lands once. */
@QuarkusTest
class PostgresOutageTest {

    @Test
    void aStreamSurvivesPostgresBeingStoppedAndRestarted() {
        UUID campaign = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        List<String> before = new ArrayList<>();
        List<String> during = new ArrayList<>();
        for (SentMessage m : messages) {
            before.add(event("publishing/delivery.json", m));
            during.add(event("publishing/open.json", m));
            during.add(event("publishing/click.json", m));
        }
        Queue.send(before);
        Queue.send(during.subList(0, 20));

        TestServers.stopPostgres();
        try {
            Queue.send(during.subList(20, during.size()));
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 503);
            assertThat(Queue.depth(TestServers.queueUrl())).isPositive();
        } finally {
            TestServers.startPostgres();
        }

        Queue.awaitDrained(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'CLICKED' and open_count = 1 and click_count = 1",
                campaign)).isEqualTo(messages.size());
        assertThat(Db.count("select count(*) from email_events_op where campaign_id = ?", campaign)).isEqualTo(3L * messages.size());
        assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();
    }

    private static String event(String fixture, SentMessage m) {
        return SesFixtures.event(fixture).messageId(m.sesMessageId()).recipient(m.email())
                .inSnsEnvelope("sns-" + UUID.randomUUID());
    }
}
