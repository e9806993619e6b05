package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** Readiness covers every store the service needs; the DOWN side is exercised by PostgresOutageTest. */
@QuarkusTest
class HealthTest {

    @Test
    void readinessIsUpWithAllServers() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("SQS input queue", "SES event ingestion"))
                .body("checks.find { it.name.contains('MongoDB') }.status", equalTo("UP"))
                .body("checks.find { it.name.contains('Reactive PostgreSQL') }.status", equalTo("UP"));
    }

    @Test
    void livenessIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsArePublishedForPrometheus() {
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("mailpulse_ingest_batch_apply_seconds"));
    }
}
