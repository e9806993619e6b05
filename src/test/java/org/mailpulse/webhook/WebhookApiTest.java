package org.mailpulse.webhook;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.WebhookReceiver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The endpoints API and the SSRF guard, at creation and at delivery. */
@QuarkusTest
class WebhookApiTest {

    @AfterEach
    void cleanUp() {
        Webhooks.deleteAll();
    }

    @Test
    void endpointsAreCreatedListedChangedDisabledEnabledAndDeleted() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String location = given().contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url("/ok"), "eventTypes", List.of("message.bounced", "message.bounced"), "description", "CRM"))
                    .post("/api/webhooks").then().statusCode(201)
                    .body("secret", startsWith("whsec_"))
                    .body("eventTypes", is(List.of("message.bounced")))
                    .body("enabled", is(true))
                    .extract().header("Location");
            String id = location.substring(location.lastIndexOf('/') + 1);
            given().get("/api/webhooks/" + id).then().statusCode(200).body("secret", nullValue()).body("description", is("CRM"));
            given().get("/api/webhooks").then().statusCode(200).body("id", hasItem(id)).body("secret", not(hasItem(startsWith("whsec_"))));

            given().contentType(ContentType.JSON).body(Map.of("eventTypes", List.of("suppression.added", "quarantine.added")))
                    .patch("/api/webhooks/" + id).then().statusCode(200)
                    .body("eventTypes", is(List.of("suppression.added", "quarantine.added"))).body("url", is(receiver.url("/ok")));
            given().contentType(ContentType.JSON).body(Map.of("reason", "maintenance")).post("/api/webhooks/" + id + "/disable")
                    .then().statusCode(200).body("enabled", is(false)).body("disabledReason", is("maintenance"));
            given().post("/api/webhooks/" + id + "/enable").then().statusCode(200).body("enabled", is(true)).body("disabledReason", nullValue());
            given().contentType(ContentType.JSON).body("{}").post("/api/webhooks/" + id + "/disable").then().statusCode(200).body("disabledReason", is("disabled by request"));
            given().post("/api/webhooks/" + id + "/enable").then().statusCode(200);
            given().contentType(ContentType.JSON).body("{}").post("/api/webhooks/" + id + "/rotate-secret").then().statusCode(200)
                    .body("secret", startsWith("whsec_")).body("previousSecretExpiresAt", org.hamcrest.Matchers.notNullValue());
            given().get("/api/webhooks/" + id + "/deliveries?status=pending").then().statusCode(200).body("size()", is(0));

            given().delete("/api/webhooks/" + id).then().statusCode(204);
            given().get("/api/webhooks/" + id).then().statusCode(404).contentType("application/problem+json");
            given().delete("/api/webhooks/" + id).then().statusCode(404);
        }
    }

    @Test
    void everyEventTypeIsListedWithAnExampleBody() {
        given().get("/api/webhooks/event-types").then().statusCode(200)
                .body("type", is(Webhooks.ALL_TYPES))
                .body("find { it.type == 'message.bounced' }.example.data.bounceType", is("hard"))
                .body("find { it.type == 'suppression.added' }.example.type", is("suppression.added"));
    }

    @Test
    void invalidRequestsAreRefusedAsProblems() {
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.2:1/ok", "eventTypes", List.of("message.lost")))
                .post("/api/webhooks").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("eventTypes[0]"));
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.2:1/ok", "eventTypes", List.of("message.sent"), "secret", "mine"))
                .post("/api/webhooks").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.2:1/ok", "eventTypes", List.of()))
                .post("/api/webhooks").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("url", "ftp://example.com/x", "eventTypes", List.of("message.sent")))
                .post("/api/webhooks").then().statusCode(400).body("errors[0].field", is("url"));
        given().contentType(ContentType.JSON).body(Map.of("overlap", "P90D"))
                .post("/api/webhooks/" + UUID.randomUUID() + "/rotate-secret").then().statusCode(400);
        given().noFilters().get("/api/webhooks").then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080/hook", "http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://192.168.1.1/hook",
            "http://172.16.0.1/hook", "http://100.64.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
            "http://[fd00:ec2::254]/hook", "http://[fe80::1]/hook", "http://0.0.0.0/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://user:pw@127.0.0.2/hook"})
    void nonPublicTargetsAreRefusedAtCreation(String url) {
        given().contentType(ContentType.JSON).body(Map.of("url", url, "eventTypes", List.of("message.delivered")))
                .post("/api/webhooks").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("url"));
        given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.2/x", "eventTypes", List.of("message.delivered")))
                .post("/api/webhooks").then().statusCode(201);
    }

    @Test
    void aNameThatResolvesToANonPublicAddressAtDeliveryTimeIsNotReached() {
        try (WebhookReceiver allowed = WebhookReceiver.start(); WebhookReceiver internal = WebhookReceiver.startOnForbiddenLoopback()) {
            Webhooks.Endpoint endpoint = Webhooks.create(allowed.url("/ok"), List.of("message.delivered"));
            // As if the endpoint's name now answered with an internal address: the guard judges the DNS answer, not the URL
            Db.update("update webhook_endpoints set url = ? where endpoint_id = ?", "http://localhost:" + internal.port() + "/ok", endpoint.id());
            TestData.SentMessage message = TestData.sentMessage();
            Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/webhooks/" + endpoint.id() + "/deliveries").then()
                    .statusCode(200).body("[0].lastError", containsString("resolves to a non-public address (127.0.0.1)")));
            assertThat(internal.received()).isEmpty();
            assertThat(allowed.received()).isEmpty();
            assertThat(given().get("/q/metrics").then().extract().asString()).contains("mailpulse_webhook_deliveries_total{outcome=\"refused\"}");
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Webhooks.Endpoint endpoint = Webhooks.create(receiver.url("/redirect"), List.of("message.delivered"));
            TestData.SentMessage message = TestData.sentMessage();
            Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where ses_message_id = ?", message.sesMessageId());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/webhooks/" + endpoint.id() + "/deliveries").then()
                    .statusCode(200).body("[0].lastStatusCode", is(302)).body("[0].status", is("pending")).body("[0].lastError", is("HTTP 302")));
            assertThat(receiver.received("/ok")).isEmpty();
            assertThat(receiver.received("/redirect")).isNotEmpty();
        }
    }
}
