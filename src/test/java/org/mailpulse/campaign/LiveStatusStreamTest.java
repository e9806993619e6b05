package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.LiveStream;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live stream shows each committed status change of the campaign's messages, in order, whoever made it, and
 * listens again, on one connection, when PostgreSQL comes back.
 */
@QuarkusTest
class LiveStatusStreamTest {

    @Test
    void aClientSeesEveryChangeCommittedByTheIngestionAndByAnotherWriter() throws Exception {
        UUID campaign = TestData.campaign();
        UUID other = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        SentMessage elsewhere = TestData.sentMessage(other);
        LiveStream live = LiveStream.open("http://localhost:" + RestAssured.port, campaign);
        BlockingQueue<String> events = live.events();
        Thread.sleep(500); // the subscription is in place

        List<String> bodies = new ArrayList<>();
        Instant base = Instant.parse("2026-11-20T10:00:00Z");
        for (SentMessage m : messages) {
            bodies.add(body("publishing/delivery.json", m, base));
        }
        bodies.add(body("publishing/delivery.json", elsewhere, base));
        Queue.send(bodies);
        Queue.awaitDrained();
        bodies.clear();
        for (SentMessage m : messages) {
            bodies.add(body("publishing/open.json", m, base.plusSeconds(60)));
        }
        Queue.send(bodies);
        Queue.awaitDrained();
        // Another writer entirely (a plain JDBC session): its commit reaches the stream too.
        Db.update("update campaign_recipients set status = 'COMPLAINED', status_rank = 13 where ses_message_id = ?", messages.get(0).sesMessageId());

        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.size() < 11 && System.nanoTime() < deadline) {
            String event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null) {
                received.add(event);
            }
        }
        assertThat(received).hasSize(11);
        assertThat(received).noneMatch(e -> e.contains(elsewhere.sesMessageId()));
        for (SentMessage m : messages) {
            List<String> own = received.stream().filter(e -> e.contains(m.sesMessageId())).toList();
            assertThat(own.get(0)).contains("\"to\":\"DELIVERED\"");
            assertThat(own.get(1)).contains("\"from\":\"DELIVERED\"").contains("\"to\":\"OPENED\"");
        }
        assertThat(received.get(10)).contains(messages.get(0).sesMessageId()).contains("\"to\":\"COMPLAINED\"");
        Thread.sleep(300);
        assertThat(events).isEmpty();
        live.close();
    }

    @Test
    void afterPostgreSqlComesBackTheStreamListensAgainOnce() throws Exception {
        UUID campaign = TestData.campaign();
        SentMessage message = TestData.sentMessage(campaign);
        TestServers.stopPostgres();
        TestServers.startPostgres();
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.given().get("/q/health/ready").statusCode() == 200);
        BlockingQueue<String> events = stream(campaign);

        // Changes made before the feed listens again are not announced: change until one is.
        String[] statuses = {"OPENED", "CLICKED"};
        int changes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String first = null;
        while (first == null && System.nanoTime() < deadline) {
            Db.update("update campaign_recipients set status = ? where ses_message_id = ?", statuses[changes++ % 2], message.sesMessageId());
            first = events.poll(1, TimeUnit.SECONDS);
        }
        assertThat(first).as("a change announced after the restart").isNotNull().contains(message.sesMessageId());
        Thread.sleep(1_000);
        events.clear();
        Db.update("update campaign_recipients set status = 'COMPLAINED' where ses_message_id = ?", message.sesMessageId());
        assertThat(events.poll(10, TimeUnit.SECONDS)).contains("\"to\":\"COMPLAINED\"");
        Thread.sleep(1_000);
        assertThat(events).as("one listening connection, so each change once").isEmpty();
    }

    private static BlockingQueue<String> stream(UUID campaign) throws Exception {
        return LiveStream.open("http://localhost:" + RestAssured.port, campaign).events();
    }

    private static String body(String fixture, SentMessage m, Instant at) {
        return SesFixtures.event(fixture).messageId(m.sesMessageId()).recipient(m.email()).eventTimestamp(at)
                .inSnsEnvelope("sns-" + UUID.randomUUID());
    }
}
