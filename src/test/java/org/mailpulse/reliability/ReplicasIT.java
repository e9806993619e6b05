package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SendTimes;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Scenario 3: two instances share one queue and one database while a campaign is sent and its events come back.
 * No mail goes out twice, the two together stay under the one SES rate, no event takes effect twice, and the
 * scheduled rollup computes each day once although both instances fire it every two seconds.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class ReplicasIT {

    private static final int RECIPIENTS = Scale.of(1_000, 10_000);
    /** The SES rate both instances share. */
    private static final int MAX_RATE = Scale.of(100, 200);
    private static final int ROLLUP_DAYS = 3;
    private static final Pattern ROLLUP_DONE = Pattern.compile("Daily rollup of (\\d{4}-\\d{2}-\\d{2}) done");

    @Test
    void twoInstancesSendApplyAndRollUpOnce() throws Exception {
        ApiToken.install();
        String run = "rep" + Long.toString(System.nanoTime() % 1_000_000, 36);
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        // The last rolled-up day is ROLLUP_DAYS before yesterday, so the instances have exactly ROLLUP_DAYS days to catch up.
        Db.update("DELETE FROM report_rollup_run WHERE day > ?", yesterday.minusDays(ROLLUP_DAYS));
        Db.update("INSERT INTO report_rollup_run (day) VALUES (?) ON CONFLICT DO NOTHING", yesterday.minusDays(ROLLUP_DAYS));
        // The reputation guard is off: the other scenarios' synthetic bounces in the same database would pause the campaign.
        String[] options = {"-Dmailpulse.sending.enabled=true", "-Dmailpulse.sending.max-rate=" + MAX_RATE,
                "-Dmailpulse.reputation.enabled=false",
                "-Dmailpulse.reports.rollup-enabled=true", "-Dmailpulse.reports.rollup-cron=*/2 * * * * ?",
                "-Dmailpulse.reports.catch-up-days=" + ROLLUP_DAYS};
        try (AppInstance a = AppInstance.start("replica-a", options); AppInstance b = AppInstance.start("replica-b", options)) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90));

            String campaign = campaignOf(run);
            given().baseUri(TestServers.sesProxy()).post("/_simulator/clear").then().statusCode(200);
            long sendStart = System.nanoTime();
            given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
            await().atMost(Duration.ofSeconds(60L + 2L * RECIPIENTS / MAX_RATE))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
            double sendSeconds = (System.nanoTime() - sendStart) / 1e9;

            Map<String, Long> mailsPerAddress = sentBySes(run);
            assertThat(mailsPerAddress).hasSize(RECIPIENTS);
            assertThat(mailsPerAddress.values()).as("mails per address").allMatch(n -> n == 1);
            UUID campaignId = UUID.fromString(campaign);
            assertThat(Db.count("SELECT count(DISTINCT ses_message_id) FROM campaign_recipients WHERE campaign_id = ? AND status = 'SENT' "
                    + "AND attempt_count = 1", campaignId)).isEqualTo(RECIPIENTS);
            double sentByA = a.metric("mailpulse_send_total", "outcome=\"sent\"");
            double sentByB = b.metric("mailpulse_send_total", "outcome=\"sent\"");
            assertThat(sentByA).as("both instances sent").isPositive();
            assertThat(sentByB).as("both instances sent").isPositive();
            List<Long> sendTimes = SendTimes.all();
            int busiestSecond = SendTimes.busiestSecond(sendTimes);
            double missedSlots = a.metric("mailpulse_send_slots_missed_total") + b.metric("mailpulse_send_slots_missed_total");
            assertThat(busiestSecond).as("SendEmail calls of both instances in any one second").isLessThanOrEqualTo(MAX_RATE);

            int events = enqueueDeliveriesAndOpens(campaignId, run);
            Queue.awaitDrained(Duration.ofMinutes(5));
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count("SELECT count(*) FROM email_events_op WHERE campaign_id = ?", campaignId) >= 2L * RECIPIENTS);
            assertThat(Db.count("SELECT count(*) FROM email_events_op WHERE campaign_id = ?", campaignId)).isEqualTo(2L * RECIPIENTS);
            assertThat(Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ? AND status = 'OPENED' AND open_count = 1", campaignId))
                    .isEqualTo(RECIPIENTS);
            assertThat(Queue.depth(TestServers.deadLetterQueueUrl())).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count("SELECT count(*) FROM report_rollup_run WHERE day > ?",
                    yesterday.minusDays(ROLLUP_DAYS)) == ROLLUP_DAYS);
            Thread.sleep(6_000); // three more firings on each instance
            assertThat(Db.count("SELECT count(*) FROM report_rollup_run WHERE day > ? AND runs = 1", yesterday.minusDays(ROLLUP_DAYS)))
                    .as("each day rolled up once").isEqualTo(ROLLUP_DAYS);
            List<String> rolledUp = new ArrayList<>(rollupsIn(a));
            rolledUp.addAll(rollupsIn(b));
            assertThat(rolledUp).as("rollup runs in both logs").hasSize(ROLLUP_DAYS).doesNotHaveDuplicates();

            Figures.print("replicas", ("2 instances sharing %d mails/s: %,d recipients sent in %.1f s (%,.0f by A, %,.0f by B), "
                    + "%.1f %% of the rate, busiest second %d calls (%.0f slots missed and taken afresh), %,d mails at SES, 0 addresses mailed twice; %,d events (%,d duplicates) applied once each "
                    + "(%,d history rows); rollup fired every 2 s on both, %d days computed once each (A: %d, B: %d)").formatted(
                    MAX_RATE, RECIPIENTS, sendSeconds, sentByA, sentByB, 100 * SendTimes.utilisation(sendTimes, MAX_RATE), busiestSecond, missedSlots, mailsPerAddress.size(), events, events - 2 * RECIPIENTS,
                    2 * RECIPIENTS, ROLLUP_DAYS, rollupsIn(a).size(), rollupsIn(b).size()));
        }
    }

    /** A draft campaign of an internal template with {@link #RECIPIENTS} recipients enrolled from CSV. */
    private static String campaignOf(String run) {
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Replicas " + run, "provider", "internal",
                        "subject", "Hello {{name}}", "htmlBody", "<p>Hi {{name}}</p>", "textBody", "Hi {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "Replicas " + run, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("email,name\n");
        for (int i = 0; i < RECIPIENTS; i++) {
            csv.append(address(run, i)).append(",Reader ").append(i).append('\n');
        }
        given().contentType("text/csv").body(csv.toString()).post("/api/campaigns/{id}/recipients", campaign)
                .then().statusCode(200).body("enrolled", equalTo(RECIPIENTS));
        return campaign;
    }

    private static String address(String run, int i) {
        return "r" + i + "-" + run + "@replicas.example.test";
    }

    /** Mails the SES endpoint accepted for the run's addresses, per address. */
    private static Map<String, Long> sentBySes(String run) {
        List<Map<String, Object>> sent = given().baseUri(TestServers.sesProxy()).get("/_simulator/sent").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return sent.stream().flatMap(mail -> ((List<?>) mail.get("to")).stream().map(String::valueOf))
                .filter(to -> to.endsWith("-" + run + "@replicas.example.test"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** A delivery and an open for every message, as SES would publish them, and a tenth of them twice. */
    private static int enqueueDeliveriesAndOpens(UUID campaign, String run) {
        List<String> bodies = new ArrayList<>();
        for (Map<String, Object> row : Db.rows("SELECT ses_message_id, email FROM campaign_recipients WHERE campaign_id = ?", campaign)) {
            String messageId = (String) row.get("ses_message_id");
            for (String fixture : List.of("publishing/delivery.json", "publishing/open.json")) {
                String body = SesFixtures.event(fixture).messageId(messageId).recipient((String) row.get("email"))
                        .inSnsEnvelope(run + "-" + messageId + "-" + fixture);
                bodies.add(body);
                if (bodies.size() % 10 == 0) {
                    bodies.add(body);
                }
            }
        }
        Queue.send(bodies);
        return bodies.size();
    }

    private static List<String> rollupsIn(AppInstance instance) throws java.io.IOException {
        List<String> days = new ArrayList<>();
        Matcher m = ROLLUP_DONE.matcher(instance.log());
        while (m.find()) {
            days.add(m.group(1));
        }
        return days;
    }
}
