package org.mailpulse.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** The OpenAPI document covers every route of the contract, and every kind of bad request gets problem+json. */
@QuarkusTest
class ApiContractTest {

    private static final List<String> CONTRACT = List.of(
            "post /api/customers", "get /api/customers", "get /api/customers/{id}", "patch /api/customers/{id}",
            "delete /api/customers/{id}", "post /api/customers/import",
            "post /api/templates", "get /api/templates", "get /api/templates/{id}",
            "post /api/campaigns", "get /api/campaigns", "get /api/campaigns/{id}", "post /api/campaigns/{id}/recipients",
            "get /api/campaigns/{id}/recipients", "post /api/campaigns/{id}/queue", "post /api/campaigns/{id}/pause",
            "post /api/campaigns/{id}/resume", "get /api/campaigns/{id}/stats", "get /api/campaigns/{id}/live",
            "get /api/messages/{sesMessageId}",
            "get /api/suppressions", "get /api/suppressions/{email}", "put /api/suppressions/{email}", "delete /api/suppressions/{email}",
            "get /api/ingest/quarantine",
            "get /api/reports/daily", "get /api/reports/domains", "get /api/reports/messages", "post /api/reports/rollups/{day}",
            "post /api/webhooks", "get /api/webhooks", "get /api/webhooks/event-types", "get /api/webhooks/{id}",
            "patch /api/webhooks/{id}", "delete /api/webhooks/{id}", "post /api/webhooks/{id}/enable", "post /api/webhooks/{id}/disable",
            "post /api/webhooks/{id}/rotate-secret", "get /api/webhooks/{id}/deliveries",
            "post /api/webhooks/{id}/deliveries/{deliveryId}/replay", "post /api/webhooks/{id}/replay",
            "get /unsubscribe/{token}", "post /unsubscribe/{token}");

    @Test
    void everyRouteOfTheContractIsDocumentedWithItsProblemResponses() {
        JsonPath openapi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        for (String route : CONTRACT) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            assertThat(paths).as(route).containsKey(path);
            assertThat(paths.get(path)).as(route).containsKey(method);
            if (path.startsWith("/api/")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) paths.get(path).get(method)).get("responses");
                assertThat(responses).as(route).containsKeys("400", "401", "500");
            }
        }
        assertThat(openapi.getMap("components.schemas")).containsKeys("Problem", "WebhookPayload", "WebhookMessageData",
                "WebhookSuppressionData", "WebhookCampaignData", "WebhookQuarantineData");
    }

    @Test
    void badRequestsGetProblemJsonAndNeverAStackTrace() {
        given().get("/api/does-not-exist").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/campaigns/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/campaigns/{id}", UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("No campaign"));
        given().contentType(ContentType.JSON).body("{not json").post("/api/templates").then().statusCode(400)
                .contentType("application/problem+json").body(not(containsString("at org.")));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "provider", "internal", "weekOfMonth", "three"))
                .post("/api/templates").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "provider", "carrier-pigeon", "weekOfMonth", 9))
                .post("/api/templates").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems("provider", "weekOfMonth"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "provider", "internal", "subject", "Hi {{#people}}{{name}}"))
                .post("/api/templates").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItem("subject"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "templateId", UUID.randomUUID()))
                .post("/api/campaigns").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/suppressions?reason=spam").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/campaigns?page=-1").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.XML).body("<x/>").post("/api/customers").then().statusCode(415);
    }

    @Test
    void anOversizedBodyGetsProblemJson() {
        byte[] body = new byte[21 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'a');
        given().contentType("text/csv").body(body).post("/api/customers/import").then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413));
    }
}
