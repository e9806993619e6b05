package org.mailpulse.reliability;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SendTimes;
import org.mailpulse.testsupport.SeparateSesSimulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The whole SES rate and never more, with one, two and three replicas sharing it: the SES endpoint never sees more
 * than the rate in any one-second window (by its own receive times), and the figures report how much of the rate the
 * replicas used. Short scale: a few seconds each; full scale ({@code -Preliability}): over 60 s each. The SES
 * simulator runs in a JVM of its own, so that this JVM's collections (it holds the other test servers) cannot stamp
 * calls late in bunches.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class SendRateIT {

    private static final int RATE = Scale.of(100, 150);
    private static final int RECIPIENTS = RATE * Scale.of(5, 63);
    /**
     * Full scale measures replicas that have run for a while: a campaign of ten seconds' worth per replica is sent
     * first. The short run inside {@code ./mvnw verify} starts cold, on purpose.
     */
    private static final int WARM_UP_SECONDS = Scale.of(0, 10);

    @ParameterizedTest(name = "{0} replicas")
    @ValueSource(ints = {1, 2, 3})
    void replicasTogetherUseTheRateAndNeverExceedIt(int replicas) throws Exception {
        ApiToken.install();
        List<AppInstance> instances = new ArrayList<>();
        SeparateSesSimulator ses = SeparateSesSimulator.start(2 * RECIPIENTS);
        try {
            ses.quota(10_000_000, 10_000);
            AppInstance.Launch launch = AppInstance.Launch.options(AppInstance.PRODUCTION_INTERVALS).withOptions("-Dmailpulse.sending.enabled=true",
                    "-Dmailpulse.sending.max-rate=" + RATE, "-Dmailpulse.reputation.enabled=false", "-Dquarkus.ses.endpoint-override=" + ses.endpoint());
            for (int i = 0; i < replicas; i++) {
                instances.add(AppInstance.start("rate-" + replicas + "-" + i, launch));
            }
            for (AppInstance instance : instances) {
                instance.awaitReady(Duration.ofSeconds(180));
            }
            int warmUpMails = RATE * WARM_UP_SECONDS * replicas;
            if (warmUpMails > 0) {
                String warmUp = campaign(warmUpMails);
                given().post("/api/campaigns/{id}/queue", warmUp).then().statusCode(200);
                await().atMost(Duration.ofSeconds(60L + 2L * warmUpMails / RATE)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "done".equals(given().get("/api/campaigns/{id}", warmUp).path("status")));
                ses.clear();
                ses.quota(10_000_000, 10_000);
            }
            String campaign = campaign(RECIPIENTS);
            given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
            await().atMost(Duration.ofSeconds(60L + 2L * RECIPIENTS / RATE)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));

            List<Long> times = ses.sendTimes();
            SendTimes.save("send-rate-times-" + replicas + ".txt", times);
            assertThat(times).hasSize(RECIPIENTS);
            assertThat(Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?::uuid AND status = 'SENT' AND attempt_count = 1",
                    campaign)).isEqualTo(RECIPIENTS);
            int busiest = SendTimes.busiestSecond(times);
            assertThat(busiest).as("SendEmail calls of %d replicas in any one second", replicas).isLessThanOrEqualTo(RATE);
            double missed = 0;
            double slots = 0;
            double within5 = 0;
            double within15 = 0;
            for (AppInstance instance : instances) {
                missed += instance.metric("mailpulse_send_slots_missed_total");
                slots += instance.metric("mailpulse_send_slot_lateness_seconds_count");
                within5 += instance.metric("mailpulse_send_slot_lateness_seconds_bucket", "le=\"0.005\"");
                within15 += instance.metric("mailpulse_send_slot_lateness_seconds_bucket", "le=\"0.015\"");
            }
            long span = times.stream().mapToLong(Long::longValue).max().orElseThrow() - times.stream().mapToLong(Long::longValue).min().orElseThrow();
            Figures.print("send-rate", ("%d replicas sharing %d mails/s: %,d mails in %.1f s at SES, %.1f %% of the rate, busiest second %d, %.0f slots missed; "
                    + "slot timers within 5 ms %.1f %%, within 15 ms %.1f %% (warm-up included)")
                    .formatted(replicas, RATE, RECIPIENTS, span / 1000.0, 100 * SendTimes.utilisation(times, RATE), busiest, missed,
                            100 * within5 / slots, 100 * within15 / slots));
        } finally {
            for (AppInstance instance : instances) {
                instance.close();
            }
            ses.close();
        }
    }

    private static String campaign(int recipients) {
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Rate " + run, "provider", "internal",
                        "subject", "Hello {{name}}", "htmlBody", "<p>Hi {{name}}</p>", "textBody", "Hi {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "Rate " + run, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; i < recipients; i++) {
            csv.append("r").append(i).append('-').append(run).append('-').append(UUID.randomUUID().toString(), 0, 4)
                    .append("@rate.example.test,Reader ").append(i).append('\n');
        }
        given().contentType("text/csv").body(csv.toString()).post("/api/campaigns/{id}/recipients", campaign)
                .then().statusCode(200).body("enrolled", equalTo(recipients));
        return campaign;
    }
}
