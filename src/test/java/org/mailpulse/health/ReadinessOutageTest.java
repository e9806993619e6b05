package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Readiness is what the HTTP endpoints need: it goes DOWN without PostgreSQL only. An outage of what ingestion
 * alone needs (the queue, the MongoDB archive) shows in the ingestion group while /api and /unsubscribe go on
 * answering; both come back UP when the server is back.
 */
@QuarkusTest
class ReadinessOutageTest {

    private static final String INGESTION = "/q/health/group/ingestion";

    @Test
    void mongoDb() {
        TestServers.stopMongo();
        try {
            awaitStatus(INGESTION, 503);
            given().get(INGESTION).then().body("checks.findAll { it.status == 'DOWN' }.name", hasItem("MongoDB event archive"));
            theHttpEndpointsStillServe();
        } finally {
            TestServers.startMongo();
        }
        awaitStatus(INGESTION, 200);
    }

    @Test
    void theQueue() {
        TestServers.stopSqs();
        try {
            awaitStatus(INGESTION, 503);
            given().get(INGESTION).then().body("checks.find { it.name == 'SQS input queue' }.status", equalTo("DOWN"));
            theHttpEndpointsStillServe();
        } finally {
            TestServers.startSqs();
        }
        awaitStatus(INGESTION, 200);
    }

    @Test
    void postgreSql() {
        TestServers.stopPostgres();
        try {
            awaitStatus("/q/health/ready", 503);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name.contains('Reactive PostgreSQL') }.status", equalTo("DOWN"));
        } finally {
            TestServers.startPostgres();
        }
        awaitStatus("/q/health/ready", 200);
    }

    private static void theHttpEndpointsStillServe() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/api/customers").then().statusCode(200);
        given().get("/unsubscribe/" + "A".repeat(43)).then().statusCode(404).body(containsString("not valid"));
        given().post("/unsubscribe/" + "A".repeat(43)).then().statusCode(404);
    }

    private static void awaitStatus(String path, int status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().get(path).statusCode() == status);
    }
}
