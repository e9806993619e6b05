package org.mailpulse.webhook;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;
import org.mailpulse.testsupport.WebhookReceiver;
import org.mailpulse.testsupport.WebhookReceiver.Received;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Committed changes reach subscribed endpoints, signed per Standard Webhooks, retried, in order; rolled-back ones never. */
@QuarkusTest
class WebhookDeliveryTest {

    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        Webhooks.deleteAll();
        receivers.forEach(WebhookReceiver::close);
    }

    private WebhookReceiver receiver() {
        WebhookReceiver receiver = WebhookReceiver.start();
        receivers.add(receiver);
        return receiver;
    }

    @Test
    void everyEventTypeReachesASubscribedEndpointWithASignatureTheSpecificationAccepts() throws Exception {
        WebhookReceiver receiver = receiver();
        SentMessage message = TestData.sentMessage();
        Webhooks.Endpoint all = Webhooks.create(receiver.url("/ok"), Webhooks.ALL_TYPES);
        Webhooks.Endpoint filtered = Webhooks.create(Map.of("url", receiver.url("/ok/filtered"), "eventTypes", Webhooks.ALL_TYPES,
                "campaignId", message.campaignId().toString()));

        // Through ingestion: delivery, then a permanent bounce (message.bounced and suppression.added)
        Queue.send(event("publishing/delivery.json", message).raw());
        Queue.awaitDrained();
        Queue.send(event("publishing/bounce-permanent.json", message).raw());
        Queue.send("this is not an SES event");
        Queue.awaitDrained();
        given().delete("/api/suppressions/" + message.email()).then().statusCode(204);
        Db.update("update campaigns set status = 'paused', paused_reason = 'test' where campaign_id = ?", message.campaignId());
        // The other message statuses, as the sender and the other writers leave them
        for (MessageStatus status : List.of(MessageStatus.SENT, MessageStatus.OPENED, MessageStatus.CLICKED, MessageStatus.COMPLAINED,
                MessageStatus.UNSUBSCRIBED, MessageStatus.REJECTED, MessageStatus.FAILED, MessageStatus.SUPPRESSED)) {
            SentMessage other = TestData.sentMessage();
            if (status == MessageStatus.SENT) {
                Db.update("update campaign_recipients set status = 'SENDING' where ses_message_id = ?", other.sesMessageId());
            }
            Db.update("update campaign_recipients set status = ?, status_rank = ? where ses_message_id = ?", status.name(), status.rank(), other.sesMessageId());
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(receiver.received("/ok").stream().map(Webhooks::type)
                .collect(Collectors.toSet())).containsAll(Webhooks.ALL_TYPES));
        List<Received> requests = receiver.received("/ok").stream().filter(r -> !r.body().isEmpty()).toList();
        for (Received request : requests) {
            String id = request.header("webhook-id");
            String timestamp = request.header("webhook-timestamp");
            assertThat(request.header("content-type")).startsWith("application/json");
            assertThat(StandardWebhooksVerifier.verifies(all.secret(), id, timestamp, request.body(), request.header("webhook-signature")))
                    .as("signature of %s", request.body()).isTrue();
            assertThat(StandardWebhooksVerifier.verifies(all.secret(), id, timestamp, request.body().replace("\"data\"", "\"data\" "),
                    request.header("webhook-signature"))).isFalse();
            assertThat(StandardWebhooksVerifier.verifies(all.secret(), id, Long.toString(Long.parseLong(timestamp) - 1), request.body(),
                    request.header("webhook-signature"))).isFalse();
            assertThat(StandardWebhooksVerifier.verifies(filtered.secret(), id, timestamp, request.body(), request.header("webhook-signature"))).isFalse();
        }
        JsonPath bounce = requests.stream().map(r -> JsonPath.from(r.body())).filter(b -> b.getString("type").equals("message.bounced"))
                .findFirst().orElseThrow();
        assertThat(bounce.getString("data.email")).isEqualTo(message.email());
        assertThat(bounce.getString("data.sesMessageId")).isEqualTo(message.sesMessageId());
        assertThat(bounce.getString("data.from")).isEqualTo("DELIVERED");
        assertThat(bounce.getString("data.bounceType")).isEqualTo("hard");
        assertThat(bounce.getString("timestamp")).endsWith("Z");

        // The campaign filter: only that campaign's message and campaign events
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(types(receiver.received("/ok/filtered")))
                .containsExactlyInAnyOrder("message.delivered", "message.bounced", "campaign.status_changed"));
        assertThat(receiver.received("/ok/filtered")).allSatisfy(r -> assertThat(Webhooks.verifies(filtered.secret(), r)).isTrue());
    }

    @Test
    void aChangeThatRollsBackSendsNothing() throws Exception {
        WebhookReceiver receiver = receiver();
        Webhooks.create(receiver.url("/ok"), List.of("message.delivered"));
        SentMessage rolledBack = TestData.sentMessage();
        SentMessage committed = TestData.sentMessage();
        try (Connection connection = TestServers.jdbc()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?")) {
                update.setString(1, rolledBack.sesMessageId());
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(count(connection, "select count(*) from webhook_outbox where payload -> 'data' ->> 'sesMessageId' = '" + rolledBack.sesMessageId() + "'"))
                    .as("written in the change's own transaction").isEqualTo(1);
            connection.rollback();
        }
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", committed.sesMessageId());

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() >= 1);
        Thread.sleep(500); // a wrongly queued delivery would have been claimed in this time too (poll 100 ms)
        assertThat(receiver.received("/ok")).singleElement()
                .satisfies(r -> assertThat(JsonPath.from(r.body()).getString("data.sesMessageId")).isEqualTo(committed.sesMessageId()));
        assertThat(Db.count("select count(*) from webhook_outbox where payload -> 'data' ->> 'sesMessageId' = ?", rolledBack.sesMessageId())).isZero();
    }

    @Test
    void aReceiverThatFailsTheFirstAttemptsGetsTheDeliveryLaterWithTheSameWebhookId() {
        WebhookReceiver receiver = receiver();
        Webhooks.Endpoint endpoint = Webhooks.create(receiver.url("/fail-first/3"), List.of("message.delivered"));
        SentMessage message = TestData.sentMessage();
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/fail-first/3").stream().anyMatch(r -> r.answered() == 200));
        List<Received> attempts = receiver.received("/fail-first/3");
        assertThat(attempts).hasSize(4);
        assertThat(attempts.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
        assertThat(attempts.stream().map(Received::body).distinct()).hasSize(1);
        assertThat(attempts).allSatisfy(r -> assertThat(Webhooks.verifies(endpoint.secret(), r)).isTrue());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().get("/api/webhooks/" + endpoint.id() + "/deliveries").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(1))
                .body("[0].id", org.hamcrest.Matchers.is(attempts.get(0).header("webhook-id")))
                .body("[0].status", org.hamcrest.Matchers.is("delivered"))
                .body("[0].attempts", org.hamcrest.Matchers.is(4))
                .body("[0].lastStatusCode", org.hamcrest.Matchers.is(200))
                .body("[0].lastLatencyMs", org.hamcrest.Matchers.notNullValue()));
        assertThat(Db.row("select consecutive_failures from webhook_endpoints where endpoint_id = ?", endpoint.id()).get("consecutive_failures")).isEqualTo(0);
    }

    @Test
    void anEndpointThatAlwaysFailsIsDisabledWithTheReason() {
        WebhookReceiver receiver = receiver();
        Webhooks.Endpoint endpoint = Webhooks.create(receiver.url("/status/503"), List.of("message.delivered"));
        SentMessage message = TestData.sentMessage();
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/webhooks/" + endpoint.id()).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.is(false))
                .body("disabledReason", org.hamcrest.Matchers.containsString("5 failed attempts in a row; last: HTTP 503")));
        int attempts = receiver.received("/status/503").size();
        assertThat(attempts).isEqualTo(5);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("mailpulse_webhook_endpoints_disabled 1.0")
                .contains("mailpulse_webhook_deliveries_total{outcome=\"failed\"}"));
        // Disabled: no further attempt, and the delivery is kept pending until the endpoint is enabled again
        SentMessage later = TestData.sentMessage();
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", later.sesMessageId());
        assertThat(Db.count("select count(*) from webhook_deliveries where endpoint_id = ?", endpoint.id())).isEqualTo(1);
        assertThat(Db.row("select status from webhook_deliveries where endpoint_id = ?", endpoint.id()).get("status")).isEqualTo("pending");
        assertThat(receiver.received("/status/503")).hasSize(attempts);
    }

    @Test
    void aHangingEndpointIsTimedOutWithoutHoldingUpTheOthers() {
        WebhookReceiver receiver = receiver();
        Webhooks.Endpoint hanging = Webhooks.create(receiver.url("/hang"), List.of("message.delivered"));
        Webhooks.create(receiver.url("/ok"), List.of("message.delivered"));
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SentMessage message = TestData.sentMessage();
            messages.add(message);
            Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());
        }

        // Ten deliveries to the healthy endpoint arrive while the hanging endpoint's first attempts are still open (timeout 5 s)
        await().atMost(Duration.ofMillis(4500)).until(() -> receiver.received("/ok").size() == messages.size());
        assertThat(Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and last_error is not null", hanging.id())).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and status = 'pending' and last_error like 'no answer within 5000 ms%'", hanging.id()))
                .isPositive());
    }

    @Test
    void deliveriesToOneEndpointKeepTheOrderOfEachMessagesChanges() {
        WebhookReceiver receiver = receiver();
        // Every first attempt fails: without the order rule, a retried earlier status would arrive after a later one.
        // Four messages: a run of failures then holds at most one per message, under the test's limit of five.
        Webhooks.create(receiver.url("/fail-first/1"), List.of("message.delivered", "message.opened", "message.clicked", "message.complained"));
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            messages.add(TestData.sentMessage());
        }
        for (MessageStatus status : List.of(MessageStatus.DELIVERED, MessageStatus.OPENED, MessageStatus.CLICKED, MessageStatus.COMPLAINED)) {
            for (SentMessage message : messages) {
                Db.update("update campaign_recipients set status = ?, status_rank = ? where ses_message_id = ?", status.name(), status.rank(), message.sesMessageId());
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received("/fail-first/1").stream().filter(r -> r.answered() == 200).count() == 16);
        for (SentMessage message : messages) {
            List<String> accepted = receiver.received("/fail-first/1").stream().filter(r -> r.answered() == 200)
                    .map(r -> JsonPath.from(r.body())).filter(b -> b.getString("data.sesMessageId").equals(message.sesMessageId()))
                    .map(b -> b.getString("data.to")).toList();
            assertThat(accepted).containsExactly("DELIVERED", "OPENED", "CLICKED", "COMPLAINED");
            List<String> attempted = receiver.received("/fail-first/1").stream().map(r -> JsonPath.from(r.body()))
                    .filter(b -> b.getString("data.sesMessageId").equals(message.sesMessageId())).map(b -> b.getString("data.to")).toList();
            assertThat(attempted).containsExactly("DELIVERED", "DELIVERED", "OPENED", "OPENED", "CLICKED", "CLICKED", "COMPLAINED", "COMPLAINED");
        }
    }

    @Test
    void duringARotationBothSecretsSignAndAfterItOnlyTheNewOne() {
        WebhookReceiver receiver = receiver();
        Webhooks.Endpoint endpoint = Webhooks.create(receiver.url("/ok"), List.of("message.delivered"));
        String rotated = given().contentType("application/json").body(Map.of("overlap", "PT1H"))
                .post("/api/webhooks/" + endpoint.id() + "/rotate-secret").then().statusCode(200)
                .body("previousSecretExpiresAt", org.hamcrest.Matchers.notNullValue())
                .extract().path("secret");
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(endpoint.secret());
        deliverOne();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() == 1);
        Received during = receiver.received("/ok").get(0);
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
        assertThat(Webhooks.verifies(endpoint.secret(), during)).isTrue();
        assertThat(Webhooks.verifies(rotated, during)).isTrue();

        Db.update("update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where endpoint_id = ?", endpoint.id());
        deliverOne();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() == 2);
        Received after = receiver.received("/ok").get(1);
        assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(Webhooks.verifies(rotated, after)).isTrue();
        assertThat(Webhooks.verifies(endpoint.secret(), after)).isFalse();
        given().get("/api/webhooks/" + endpoint.id()).then().statusCode(200)
                .body("secret", org.hamcrest.Matchers.nullValue())
                .body("previousSecretExpiresAt", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void replaySendsADeliveryAgainWithTheSameWebhookId() {
        WebhookReceiver receiver = receiver();
        Webhooks.Endpoint endpoint = Webhooks.create(receiver.url("/ok"), List.of("message.delivered"));
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);
        deliverOne();
        deliverOne();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() == 2);
        String first = receiver.received("/ok").get(0).header("webhook-id");

        given().post("/api/webhooks/" + endpoint.id() + "/deliveries/" + first + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() == 3);
        assertThat(receiver.received("/ok").get(2).header("webhook-id")).isEqualTo(first);

        given().contentType("application/json").body(Map.of("since", before.toString()))
                .post("/api/webhooks/" + endpoint.id() + "/replay").then().statusCode(202).body("replayed", org.hamcrest.Matchers.is(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received("/ok").size() == 5);
        assertThat(receiver.received("/ok").stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet())).hasSize(2);
        given().post("/api/webhooks/" + endpoint.id() + "/deliveries/" + UUID.randomUUID() + "/replay").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static SesFixtures.Event event(String fixture, SentMessage message) {
        return SesFixtures.event(fixture).messageId(message.sesMessageId()).recipient(message.email())
                .mailTimestamp(java.time.Instant.now().minusSeconds(60)).eventTimestamp(java.time.Instant.now())
                .campaignId(message.campaignId().toString()).customerId(message.customerId().toString());
    }

    private static void deliverOne() {
        SentMessage message = TestData.sentMessage();
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());
    }

    private static long count(Connection connection, String sql) throws Exception {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static Set<String> types(List<Received> requests) {
        return requests.stream().map(Webhooks::type).collect(Collectors.toSet());
    }
}
