package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SendTimes;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SES answering like SES does when things go wrong (the simulator in front of the emulator injects the faults):
 * throttling is retried without counting, transient errors are retried with back-off up to the attempt limit,
 * permanent errors fail the message with SES's reason; and the send rate stays under the configured maximum.
 */
@QuarkusTest
class SendingFaultsTest {

    static final int MAX_RATE = 40; // %test.mailpulse.sending.max-rate

    @BeforeEach
    void clearFaults() {
        control("clear", Map.of());
    }

    @Test
    void throttlingIsRetriedWithoutCountingAnAttempt() {
        String address = address("throttled");
        double throttledBefore = counter("throttled");
        control("fail-next", Map.of("count", "3", "fault", "THROTTLING"));
        sendCampaignTo(List.of(address));
        Map<String, Object> message = Db.row("select status, attempt_count from campaign_recipients where email = ?", address);
        assertThat(message).containsEntry("status", "SENT").containsEntry("attempt_count", 1);
        assertThat(counter("throttled")).isGreaterThanOrEqualTo(3);
        assertThat(counter("throttled") - throttledBefore).as("throttling answers of this test").isEqualTo(3);
    }

    @Test
    void transientErrorsAreRetriedAndCountAsAttempts() {
        String address = address("flaky");
        control("fail-next", Map.of("count", "2", "fault", "TRANSIENT"));
        sendCampaignTo(List.of(address));
        assertThat(Db.row("select status, attempt_count from campaign_recipients where email = ?", address))
                .containsEntry("status", "SENT").containsEntry("attempt_count", 3);
    }

    @Test
    void transientErrorsBeyondTheAttemptLimitFailTheMessage() {
        String address = address("down");
        control("fail-for", Map.of("address", address, "fault", "TRANSIENT"));
        sendCampaignTo(List.of(address));
        Map<String, Object> message = Db.row("select status, attempt_count, status_reason from campaign_recipients where email = ?", address);
        assertThat(message).containsEntry("status", "FAILED").containsEntry("attempt_count", 3);
        assertThat((String) message.get("status_reason")).startsWith("gave up after 3 attempts");
    }

    @Test
    void permanentErrorsFailTheMessageWithTheReason() {
        String address = address("rejected");
        control("fail-for", Map.of("address", address, "fault", "PERMANENT"));
        sendCampaignTo(List.of(address));
        Map<String, Object> message = Db.row("select status, attempt_count, status_reason, failed_at from campaign_recipients where email = ?", address);
        assertThat(message).containsEntry("status", "FAILED").containsEntry("attempt_count", 1);
        assertThat((String) message.get("status_reason")).contains("MessageRejected").contains("not verified");
        assertThat(message.get("failed_at")).isNotNull();
    }

    @Test
    void theSendRateNeverExceedsTheMaximumInAnyOneSecondWindow() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            addresses.add(address("rate" + i));
        }
        sendCampaignTo(addresses);
        List<Long> times = SendTimes.all();
        assertThat(times).hasSizeGreaterThanOrEqualTo(100);
        assertThat(SendTimes.busiestSecond(times)).isLessThanOrEqualTo(MAX_RATE);
        assertThat(times.get(times.size() - 1) - times.get(0)).as("100 sends at 40/s take over two seconds").isGreaterThan(2000);
    }

    private static void sendCampaignTo(List<String> addresses) {
        String campaign = Api.draftCampaign();
        List<Map<String, Object>> recipients = addresses.stream().<Map<String, Object>>map(a -> Map.of("email", a, "data", Map.of("name", "N"))).toList();
        given().contentType(ContentType.JSON).body(Map.of("recipients", recipients)).post("/api/campaigns/{id}/recipients", campaign)
                .then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
    }

    private static void control(String action, Map<String, String> query) {
        given().baseUri(TestServers.sesProxy()).queryParams(query).post("/_simulator/" + action).then().statusCode(200);
    }

    private static double counter(String outcome) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("mailpulse_send_total{") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }
}
