package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

/**
 * Readiness covers what the HTTP endpoints need (PostgreSQL); the ingestion group what ingestion needs. The DOWN
 * sides are exercised by ReadinessOutageTest.
 */
@QuarkusTest
class HealthTest {

    /** Where health and metrics answer: the main port under {@code @QuarkusTest}. */
    protected RequestSpecification operations() {
        return given();
    }

    @Test
    void readinessIsPostgreSqlOnly() {
        operations().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name.contains('Reactive PostgreSQL') }.status", equalTo("UP"))
                .body("checks.name", not(hasItems("SQS input queue")))
                .body("checks.name", not(hasItems("SES event ingestion")))
                .body("checks.findAll { it.name.contains('MongoDB') }", empty());
    }

    @Test
    void theIngestionGroupIsUpWithAllServers() {
        operations().get("/q/health/group/ingestion").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("SQS input queue", "SES event ingestion", "MongoDB event archive"))
                .body("checks.findAll { it.status != 'UP' }", empty());
    }

    @Test
    void livenessIsUp() {
        operations().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsArePublishedForPrometheus() {
        operations().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("mailpulse_ingest_batch_apply_seconds"));
    }
}
