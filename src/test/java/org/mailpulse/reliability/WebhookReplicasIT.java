package org.mailpulse.reliability;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;
import org.mailpulse.testsupport.WebhookReceiver;
import org.mailpulse.testsupport.WebhookReceiver.Received;
import org.mailpulse.webhook.StandardWebhooksVerifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook delivery by two instances of the packaged application sharing one database: each outbox row reaches the
 * endpoint once, signed, with each message's statuses in commit order; and changes committed while the receiver
 * stalls survive a SIGKILL of both instances, arriving after the restart exactly as committed, while a rolled-back
 * change never arrives.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class WebhookReplicasIT {

    private static final List<MessageStatus> STATUSES = List.of(MessageStatus.DELIVERED, MessageStatus.OPENED,
            MessageStatus.CLICKED, MessageStatus.COMPLAINED);
    private static final List<String> TYPES = STATUSES.stream().map(status -> "message." + status.name().toLowerCase()).toList();
    /**
     * The receiver is on 127.0.0.2 over http; an endpoint refused on purpose must not be disabled; the reputation
     * guard would pause the campaign of complaints. The lease after a kill is twice the timeout (5 s) plus 30 s.
     */
    private static final String[] OPTIONS = {"-Dmailpulse.webhooks.allow-http=true", "-Dmailpulse.webhooks.allowed-networks=127.0.0.2/32",
            "-Dmailpulse.webhooks.disable-after-failures=1000000", "-Dmailpulse.reputation.enabled=false"};

    private static AppInstance a;
    private static AppInstance b;
    private WebhookReceiver receiver;

    @BeforeAll
    static void startReplicas() throws Exception {
        ApiToken.install();
        a = AppInstance.start("webhooks-a", OPTIONS);
        b = AppInstance.start("webhooks-b", OPTIONS);
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopReplicas() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @BeforeEach
    void startReceiver() {
        Db.update("delete from webhook_endpoints");
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void cleanUp() {
        Db.update("delete from webhook_endpoints");
        receiver.close();
    }

    @Test
    void twoReplicasDeliverEachOutboxRowOnceInOrderPerMessage() throws Exception {
        String secret = createEndpoint(a, receiver.url("/ok"));
        UUID endpoint = endpointId();
        double deliveredByA = delivered(a);
        double deliveredByB = delivered(b);
        UUID campaign = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        for (MessageStatus status : STATUSES) {
            for (SentMessage message : messages) {
                setStatus(message, status);
            }
        }
        int changes = STATUSES.size() * messages.size();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and status = 'delivered'", endpoint) == changes);

        assertThat(Db.count("select count(*) from webhook_outbox where campaign_id = ?", campaign)).as("outbox rows").isEqualTo(changes);
        List<Received> requests = receiver.received("/ok");
        Map<String, Long> perId = requests.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertThat(perId.keySet()).as("webhook-ids that arrived").isEqualTo(deliveryIds(endpoint));
        assertThat(perId.values().stream().filter(n -> n > 1).count()).as("webhook-ids that arrived more than once").isZero();
        assertThat(requests).allSatisfy(r -> assertThat(verifies(secret, r)).as("signature of %s", r.body()).isTrue());
        Map<String, List<String>> statusesPerMessage = statusesPerMessage(requests);
        for (SentMessage message : messages) {
            assertThat(statusesPerMessage.get(message.sesMessageId())).as("statuses of %s in arrival order", message.sesMessageId())
                    .containsExactlyElementsOf(STATUSES.stream().map(Enum::name).toList());
        }
        double byA = delivered(a) - deliveredByA;
        double byB = delivered(b) - deliveredByB;
        assertThat(byA + byB).as("deliveries counted by the two replicas").isEqualTo(changes);
        assertThat(byA).as("delivered by A").isPositive();
        assertThat(byB).as("delivered by B").isPositive();
        Figures.print("webhook-replicas", "%d status changes of %d messages delivered by 2 replicas (%.0f by A, %.0f by B), 0 duplicates, order per message kept"
                .formatted(changes, messages.size(), byA, byB));
    }

    @Test
    void changesCommittedBeforeAKillArriveAfterTheRestartAndARolledBackOneNever() throws Exception {
        String secret = createEndpoint(a, receiver.url("/hang"));
        UUID endpoint = endpointId();
        UUID campaign = TestData.campaign();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(TestData.sentMessage(campaign));
        }
        Set<String> committed = new HashSet<>();
        for (MessageStatus status : List.of(MessageStatus.DELIVERED, MessageStatus.OPENED)) {
            for (SentMessage message : messages) {
                setStatus(message, status);
                committed.add(message.sesMessageId() + " " + status);
            }
        }
        rollBackAClick(messages.subList(0, 3), endpoint);

        // Both replicas hold attempts the receiver does not answer (more than one replica's 4 per endpoint); then both
        // die with every delivery pending, those attempts leased. A back-off is at most 1 s here: a delivery due later
        // than 5 s is leased.
        String leasedSql = "select count(*) from webhook_deliveries where endpoint_id = ? and next_attempt_at > now() + interval '5 seconds'";
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(leasedSql, endpoint) > 4);
        a.kill();
        b.kill();
        long killed = System.nanoTime();
        long leased = Db.count(leasedSql, endpoint);
        assertThat(leased).as("deliveries leased by the killed replicas").isPositive();
        assertThat(Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and status = 'pending'", endpoint))
                .as("deliveries pending at the kill").isEqualTo(committed.size());
        a.launch();
        b.launch();
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
        given().baseUri(a.baseUrl()).contentType(ContentType.JSON).body(Map.of("url", receiver.url("/ok")))
                .patch("/api/webhooks/{id}", endpoint).then().statusCode(200);

        // Deliveries leased by a killed replica are due again when the lease ends (at most 40 s after the kill).
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and status = 'delivered'", endpoint) == committed.size());

        List<Received> accepted = receiver.received("/ok");
        Map<String, Set<String>> bodiesPerId = accepted.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"),
                Collectors.mapping(Received::body, Collectors.toSet())));
        assertThat(bodiesPerId.keySet()).as("webhook-ids accepted").isEqualTo(deliveryIds(endpoint));
        assertThat(bodiesPerId.values()).as("a repeated webhook-id carries the same change").allMatch(bodies -> bodies.size() == 1);
        assertThat(accepted).allSatisfy(r -> assertThat(verifies(secret, r)).as("signature of %s", r.body()).isTrue());
        Set<String> arrived = accepted.stream().map(r -> JsonPath.from(r.body()))
                .map(body -> body.getString("data.sesMessageId") + " " + body.getString("data.to")).collect(Collectors.toSet());
        assertThat(arrived).as("changes that arrived").isEqualTo(committed);
        Map<String, List<String>> statusesPerMessage = statusesPerMessage(accepted);
        for (SentMessage message : messages) {
            assertThat(statusesPerMessage.get(message.sesMessageId()).stream().distinct()).containsExactly("DELIVERED", "OPENED");
        }
        assertThat(receiver.received().stream().map(r -> JsonPath.from(r.body()).getString("data.to"))).as("any attempt of the rolled-back click")
                .doesNotContain("CLICKED");
        assertThat(Db.count("select count(*) from webhook_outbox where campaign_id = ? and event_type = 'message.clicked'", campaign)).isZero();
        Figures.print("webhook-kill", ("%d committed changes pending while the receiver stalls, both replicas killed with %d deliveries leased: "
                + "all %d arrived within %.1f s of the kill (%d requests), the rolled-back change never").formatted(committed.size(), leased,
                committed.size(), (System.nanoTime() - killed) / 1e9, accepted.size()));
    }

    /** Clicks of the messages in a transaction that wrote their outbox rows and deliveries, then rolled back. */
    private static void rollBackAClick(List<SentMessage> messages, UUID endpoint) throws Exception {
        try (Connection connection = TestServers.jdbc()) {
            connection.setAutoCommit(false);
            long before = count(connection, endpoint);
            try (PreparedStatement update = connection.prepareStatement("update campaign_recipients set status = ?, status_rank = ? where ses_message_id = ?")) {
                for (SentMessage message : messages) {
                    update.setString(1, MessageStatus.CLICKED.name());
                    update.setInt(2, MessageStatus.CLICKED.rank());
                    update.setString(3, message.sesMessageId());
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
            }
            assertThat(count(connection, endpoint) - before).as("deliveries written in the transaction").isEqualTo(messages.size());
            connection.rollback();
        }
    }

    private static long count(Connection connection, UUID endpoint) throws Exception {
        try (PreparedStatement query = connection.prepareStatement("select count(*) from webhook_deliveries where endpoint_id = ?")) {
            query.setObject(1, endpoint);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Creates the one endpoint through an instance's API; returns its secret. */
    private static String createEndpoint(AppInstance instance, String url) {
        return given().baseUri(instance.baseUrl()).contentType(ContentType.JSON).body(Map.of("url", url, "eventTypes", TYPES))
                .post("/api/webhooks").then().statusCode(201).extract().path("secret");
    }

    private static UUID endpointId() {
        return (UUID) Db.row("select endpoint_id from webhook_endpoints").get("endpoint_id");
    }

    private static void setStatus(SentMessage message, MessageStatus status) {
        Db.update("update campaign_recipients set status = ?, status_rank = ? where ses_message_id = ?", status.name(), status.rank(), message.sesMessageId());
    }

    private static Set<String> deliveryIds(UUID endpoint) {
        return Db.rows("select delivery_id::text as id from webhook_deliveries where endpoint_id = ?", endpoint).stream()
                .map(row -> (String) row.get("id")).collect(Collectors.toSet());
    }

    private static Map<String, List<String>> statusesPerMessage(List<Received> requests) {
        Map<String, List<String>> statuses = new LinkedHashMap<>();
        for (Received request : requests) {
            JsonPath body = JsonPath.from(request.body());
            statuses.computeIfAbsent(body.getString("data.sesMessageId"), id -> new ArrayList<>()).add(body.getString("data.to"));
        }
        return statuses;
    }

    private static boolean verifies(String secret, Received request) {
        return StandardWebhooksVerifier.verifies(secret, request.header("webhook-id"), request.header("webhook-timestamp"),
                request.body(), request.header("webhook-signature"));
    }

    private static double delivered(AppInstance instance) throws Exception {
        return instance.metric("mailpulse_webhook_deliveries_total", "outcome=\"delivered\"");
    }
}
