package org.mailpulse.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.ApiToken;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * More concurrent reads than the PostgreSQL pool has connections. A request must never hold one connection while it
 * waits for another: if it did, a burst of readers would take every connection and each wait for a second one, and
 * the replica (its ingestion included) would stall until the pool's wait timed out.
 */
@QuarkusTest
class ConcurrentReadsTest {

    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int poolSize;

    @Test
    void twiceThePoolsSizeOfReadersAllGetTheirAnswer() throws Exception {
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "concurrent", "provider", "internal",
                "subject", "Hello", "textBody", "Hi")).post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "concurrent reads", "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        given().contentType("text/csv").body("email\na@concurrent.example\nb@concurrent.example\n")
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);

        String base = "http://localhost:" + RestAssured.port;
        List<String> paths = List.of("/api/campaigns/" + campaign, "/api/campaigns/" + campaign + "/recipients?size=1",
                "/api/campaigns?size=5", "/api/campaigns/" + campaign + "/stats");
        HttpClient http = HttpClient.newHttpClient();
        for (String path : paths) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 2 * poolSize; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ApiToken.TOKEN)
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as("GET %s among %d at once", path, 2 * poolSize).isEqualTo(200);
            }
        }
    }
}
