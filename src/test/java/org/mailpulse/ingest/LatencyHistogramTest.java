package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The latencies are exported as Prometheus histograms (aggregatable over replicas), not as per-replica quantiles. */
@QuarkusTest
class LatencyHistogramTest {

    @Test
    void latenciesAreHistogramsWithTheirServiceLevelBuckets() {
        List<String> lines = Arrays.asList(given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n"));
        for (String name : List.of("mailpulse_ingest_batch_apply_seconds", "mailpulse_ingest_queue_lag_seconds")) {
            assertThat(lines).as(name).contains("# TYPE " + name + " histogram");
            assertThat(lines).as(name + " has no quantile series").noneMatch(line -> line.startsWith(name + "{") && line.contains("quantile="));
            assertThat(lines).as(name + " has its +Inf bucket").anyMatch(line -> line.startsWith(name + "_bucket{") && line.contains("le=\"+Inf\""));
        }
        assertThat(lines).anyMatch(line -> line.startsWith("mailpulse_ingest_batch_apply_seconds_bucket{") && line.contains("le=\"0.1\""));
        assertThat(lines).anyMatch(line -> line.startsWith("mailpulse_ingest_queue_lag_seconds_bucket{") && line.contains("le=\"1.0\""));
        assertThat(lines).anyMatch(line -> line.startsWith("mailpulse_ingest_queue_lag_seconds_bucket{") && line.contains("le=\"300.0\""));
    }
}
