package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SendTimes;
import org.mailpulse.testsupport.SesResource;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SES account's quota as GetAccount reports it and as SendEmail enforces it (the simulator's account, set over
 * its control endpoint; the application reads GetAccount every second in tests): the daily quota running out in the
 * middle of a campaign, an account SES has paused, and an account rate below the configured one. No message ever
 * fails for the quota.
 */
@QuarkusTest
class SesQuotaTest {

    static final int CONFIGURED_RATE = 40; // %test.mailpulse.sending.max-rate

    @BeforeEach
    @AfterEach
    void generousAccount() {
        control("clear", Map.of());
        account(Map.of("max24HourSend", String.valueOf(SesResource.HARNESS_MAX_24_HOUR_SEND), "maxSendRate",
                String.valueOf(SesResource.HARNESS_MAX_SEND_RATE), "window", "PT24H", "sendingEnabled", "true"));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mailpulse_send_rate_effective") == CONFIGURED_RATE
                && metric("mailpulse_ses_quota_blocked", "daily_quota") == 0 && metric("mailpulse_ses_quota_blocked", "account_paused") == 0);
    }

    @Test
    void theDailyQuotaRunningOutPausesTheCampaignWhichResumesByItselfWhenTheWindowFrees() {
        // 12 mails per rolling 4 s: 11 of them usable, one kept as the margin
        account(Map.of("max24HourSend", "12", "window", "PT4S"));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mailpulse_ses_account_max_24_hour_send") == 12);
        List<String> addresses = addresses("daily", 30);
        String campaign = queue(addresses);
        Map<String, Object> paused = awaitPaused(campaign, Duration.ofSeconds(20));
        assertThat(paused.get("pausedCause")).isEqualTo("daily_quota");
        assertThat((String) paused.get("pausedReason")).contains("SES daily quota");
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ?::uuid and status = 'READY_TO_SEND'", campaign))
                .as("waiting for quota").isPositive();

        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(status(campaign).get("status")));
        assertThat(Db.rows("select status, attempt_count from campaign_recipients where campaign_id = ?::uuid", campaign))
                .hasSize(addresses.size()).allSatisfy(m -> assertThat(m).containsEntry("status", "SENT").containsEntry("attempt_count", 1));
        assertThat(status(campaign).get("pausedCause")).isNull();
        assertThat(SendTimes.all()).as("SendEmail calls: sending stopped before SES had to refuse one").hasSize(addresses.size());
    }

    @Test
    void aLimitExceededAnswerPutsTheMessageBackAndTheCampaignResumesByItself() {
        double refusedBefore = sendCounter("refused");
        control("fail-next", Map.of("count", "1", "fault", "DAILY_QUOTA"));
        String campaign = queue(addresses("refused", 3));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(status(campaign).get("status")));
        assertThat(sendCounter("refused") - refusedBefore).isEqualTo(1);
        assertThat(Db.rows("select status, attempt_count from campaign_recipients where campaign_id = ?::uuid", campaign))
                .hasSize(3).allSatisfy(m -> assertThat(m).containsEntry("status", "SENT").containsEntry("attempt_count", 1));
    }

    @Test
    void anAccountPausedBySesPausesTheCampaignUntilAnOperatorResumesIt() {
        account(Map.of("sendingEnabled", "false"));
        List<String> addresses = addresses("paused", 5);
        String campaign = queue(addresses);
        Map<String, Object> paused = awaitPaused(campaign, Duration.ofSeconds(20));
        assertThat(paused.get("pausedCause")).isEqualTo("account_paused");
        assertThat((String) paused.get("pausedReason")).contains("paused sending");
        Map<String, Object> health = given().get("/q/health/group/reputation").then().extract().jsonPath().getMap("checks.find { it.name == 'SES sending quota' }");
        assertThat(health).containsEntry("status", "DOWN");
        assertThat((String) ((Map<?, ?>) health.get("data")).get("reason")).contains("paused sending");
        assertThat(Db.rows("select status, attempt_count from campaign_recipients where campaign_id = ?::uuid", campaign))
                .hasSize(addresses.size()).allSatisfy(m -> assertThat(m).containsEntry("status", "READY_TO_SEND").containsEntry("attempt_count", 0));

        account(Map.of("sendingEnabled", "true"));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mailpulse_ses_quota_blocked", "account_paused") == 0);
        sleep(Duration.ofSeconds(3)); // three more reads of the account
        assertThat(status(campaign)).containsEntry("status", "paused").containsEntry("pausedCause", "account_paused");

        given().post("/api/campaigns/{id}/resume", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(status(campaign).get("status")));
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ?::uuid and status = 'SENT' and attempt_count = 1",
                campaign)).isEqualTo(addresses.size());
    }

    @Test
    void theRateIsTheAccountsWhenItIsBelowTheConfiguredOne() {
        account(Map.of("maxSendRate", "10"));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mailpulse_send_rate_effective") == 10);
        String campaign = queue(addresses("slow", 30));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(status(campaign).get("status")));
        List<Long> times = SendTimes.all();
        assertThat(times).hasSize(30);
        assertThat(SendTimes.busiestSecond(times)).as("calls in any one second, at %s", times).isLessThanOrEqualTo(10);
        assertThat(times.get(times.size() - 1) - times.get(0)).as("30 sends at 10/s").isGreaterThan(2_000);
    }

    private static String queue(List<String> addresses) {
        String campaign = Api.draftCampaign();
        List<Map<String, Object>> recipients = addresses.stream().<Map<String, Object>>map(a -> Map.of("email", a, "data", Map.of("name", "N"))).toList();
        given().contentType(ContentType.JSON).body(Map.of("recipients", recipients)).post("/api/campaigns/{id}/recipients", campaign)
                .then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        return campaign;
    }

    /** Polls the campaign closely (a daily-quota pause may last only seconds); the campaign as the API showed it paused. */
    private static Map<String, Object> awaitPaused(String campaign, Duration atMost) {
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, Object> view = status(campaign);
            seen.set(view);
            return "paused".equals(view.get("status"));
        });
        return seen.get();
    }

    private static Map<String, Object> status(String campaign) {
        return new HashMap<>(given().get("/api/campaigns/{id}", campaign).then().statusCode(200).extract().jsonPath().getMap("$"));
    }

    private static List<String> addresses(String name, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(name + i + "-" + run + "@example.com");
        }
        return addresses;
    }

    private static void account(Map<String, String> settings) {
        control("account", settings);
    }

    private static void control(String action, Map<String, String> query) {
        given().baseUri(TestServers.sesProxy()).queryParams(query).post("/_simulator/" + action).then().statusCode(200);
    }

    private static double sendCounter(String outcome) {
        return metricLines("mailpulse_send_total{").filter(l -> l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(SesQuotaTest::value).sum();
    }

    private static double metric(String name) {
        return metricLines(name + " ").mapToDouble(SesQuotaTest::value).findFirst().orElse(Double.NaN);
    }

    private static double metric(String name, String cause) {
        return metricLines(name + "{").filter(l -> l.contains("cause=\"" + cause + "\"")).mapToDouble(SesQuotaTest::value).findFirst().orElse(Double.NaN);
    }

    private static java.util.stream.Stream<String> metricLines(String prefix) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines().filter(l -> l.startsWith(prefix));
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
