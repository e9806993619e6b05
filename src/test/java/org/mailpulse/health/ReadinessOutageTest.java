package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Readiness goes DOWN when a store the service needs goes away, and UP again when it is back. */
@QuarkusTest
class ReadinessOutageTest {

    @Test
    void mongoDb() {
        TestServers.stopMongo();
        try {
            awaitReady(503);
            given().get("/q/health/ready").then().body("checks.findAll { it.status == 'DOWN' }.name", hasItem(org.hamcrest.Matchers.containsString("MongoDB")));
        } finally {
            TestServers.startMongo();
        }
        awaitReady(200);
    }

    @Test
    void theQueue() {
        TestServers.stopSqs();
        try {
            awaitReady(503);
            given().get("/q/health/ready").then().body("checks.find { it.name == 'SQS input queue' }.status", equalTo("DOWN"));
        } finally {
            TestServers.startSqs();
        }
        awaitReady(200);
    }

    @Test
    void postgreSql() {
        TestServers.stopPostgres();
        try {
            awaitReady(503);
            given().get("/q/health/ready").then().body("checks.findAll { it.status == 'DOWN' }.name", hasItem(org.hamcrest.Matchers.containsString("PostgreSQL")));
        } finally {
            TestServers.startPostgres();
        }
        awaitReady(200);
    }

    private static void awaitReady(int status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().get("/q/health/ready").statusCode() == status);
    }
}
