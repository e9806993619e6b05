package org.mailpulse.webhook;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.WebhookReceiver;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Endpoints created through the API, as a subscriber would. */
final class Webhooks {

    static final List<String> ALL_TYPES = List.of("message.sent", "message.delivered", "message.opened", "message.clicked",
            "message.bounced", "message.complained", "message.unsubscribed", "message.rejected", "message.failed",
            "message.suppressed", "suppression.added", "suppression.lifted", "campaign.status_changed", "quarantine.added");

    record Endpoint(UUID id, String secret) {
    }

    private Webhooks() {
    }

    static Endpoint create(String url, List<String> types) {
        return create(Map.of("url", url, "eventTypes", types));
    }

    static Endpoint create(Map<String, Object> body) {
        JsonPath created = given().contentType(ContentType.JSON).body(body).post("/api/webhooks")
                .then().statusCode(201).extract().jsonPath();
        return new Endpoint(UUID.fromString(created.getString("id")), created.getString("secret"));
    }

    static void deleteAll() {
        Db.update("delete from webhook_endpoints");
    }

    static String type(WebhookReceiver.Received request) {
        return JsonPath.from(request.body()).getString("type");
    }

    static boolean verifies(String secret, WebhookReceiver.Received request) {
        return StandardWebhooksVerifier.verifies(secret, request.header("webhook-id"), request.header("webhook-timestamp"),
                request.body(), request.header("webhook-signature"));
    }
}
