package org.mailpulse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.report.reputation.ReputationGuard;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.SesStore;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the alert rules (k8s/prometheusrule.yaml) and the Grafana dashboard (k8s/dashboards/mailpulse.json) query
 * is exported by a running instance at /q/metrics, so neither can silently point at nothing.
 */
@QuarkusTest
class MetricNamesTest {

    /** Metric names in PromQL: MailPulse's own and the HTTP server's; labels, functions and Prometheus' own series do not match. */
    private static final Pattern METRIC = Pattern.compile("\\b(mailpulse_[a-z0-9_]+|http_server_requests_seconds_[a-z]+)\\b");

    @Inject
    ReputationGuard reputation;

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExported() throws IOException {
        Set<String> queried = new TreeSet<>(alertMetrics());
        queried.addAll(dashboardMetrics());
        assertThat(queried).contains("mailpulse_send_total", "mailpulse_ingest_events_total", "mailpulse_ingest_queue_lag_seconds_bucket",
                "mailpulse_reputation_over_limit", "mailpulse_ingest_dead_letter_messages");

        // The meters with tags are registered by their first use: one send, one event applied, one status change.
        reputation.lastRates();
        String address = "metrics-" + UUID.randomUUID() + "@example.com";
        String campaign = Api.draftCampaign();
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "M")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        SentMessage message = TestData.sentMessage();
        Queue.send(SesFixtures.event("publishing/delivery.json").messageId(message.sesMessageId()).recipient(message.email())
                .campaignId(message.campaignId().toString()).customerId(message.customerId().toString())
                .inSnsEnvelope("sns-" + UUID.randomUUID()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !SesStore.mailsTo(address).isEmpty()
                && "DELIVERED".equals(Db.row("select status from campaign_recipients where ses_message_id = ?", message.sesMessageId()).get("status")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<String> exported = exported(given().get("/q/metrics").then().statusCode(200).extract().asString());
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exported);
            assertThat(missing).as("metrics the alerts and the dashboard query but /q/metrics does not export").isEmpty();
        });
    }

    private static Set<String> alertMetrics() throws IOException {
        JsonNode rule = new ObjectMapper(new YAMLFactory()).readTree(Path.of("k8s/prometheusrule.yaml").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                names.addAll(metrics(alert.path("expr").asText()));
                alert.path("annotations").elements().forEachRemaining(text -> names.addAll(metrics(text.asText())));
            }
        }
        return names;
    }

    private static Set<String> dashboardMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("k8s/dashboards/mailpulse.json").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metrics(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            names.addAll(metrics(variable.path("definition").asText()));
        }
        return names;
    }

    private static Set<String> metrics(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** Series names of the Prometheus text format (a histogram is exported as its _bucket, _count and _sum series). */
    private static Set<String> exported(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
