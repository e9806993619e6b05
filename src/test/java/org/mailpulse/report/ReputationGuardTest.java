package org.mailpulse.report;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailpulse.report.reputation.ReputationGuard;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestData;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The guard pauses sending at the bounce limit and not below it; resuming is the operator's call. */
@QuarkusTest
class ReputationGuardTest {

    @Inject
    ReputationGuard guard;

    private UUID filler;
    private UUID sending;

    @Test
    void pausesAtTheThresholdAndNotBelow() {
        // Bring the window to exactly 4% hard bounces (limit 5%): other tests' sends and bounces count too.
        java.util.Map<String, Object> counts = Db.row("select count(*) as sent, count(*) filter (where bounce_type = 'hard') as hard, "
                + "count(complained_at) as complaints from campaign_recipients where sent_at > now() - interval '24 hours'");
        long sent = ((Number) counts.get("sent")).longValue();
        long hard = ((Number) counts.get("hard")).longValue();
        long complaints = ((Number) counts.get("complaints")).longValue();
        filler = TestData.campaign();
        // Enough clean sends that the complaints of other tests stay under 0.1%, and a 4% bounce rate is reachable.
        long total = Math.max(Math.max(200, sent + 100), Math.max(hard * 25 + 100, complaints * 1000 + 1000));
        total = ((total + 99) / 100) * 100; // a round number, so that 4% and 5% are whole messages
        long targetHard = total * 4 / 100;
        insert(filler, total - sent - (targetHard - hard), false);
        insert(filler, targetHard - hard, true);
        // A campaign in the middle of sending: one message waiting for a retry tomorrow keeps it open.
        sending = TestData.campaign();
        String waiting = "waiting-" + UUID.randomUUID() + "@example.com";
        Db.update("insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, next_attempt_at) "
                + "values (?, ?, ?, 'READY_TO_SEND', 2, now() + interval '1 day')", sending, TestData.customer(waiting), waiting);

        ReputationGuard.Rates below = guard.check().await().atMost(Duration.ofSeconds(10));
        assertThat(below.sent()).isEqualTo(total);
        assertThat(below.bounceRate()).isEqualTo(0.04);
        assertThat(below.overLimit()).isFalse();
        assertThat(Db.row("select status from campaigns where campaign_id = ?", sending).get("status")).isEqualTo("sending");
        given().get("/q/health/group/reputation").then().statusCode(200);

        // One more hard bounce in a hundred: 5%, the limit.
        Db.update("update campaign_recipients set bounce_type = 'hard', bounced_at = now() where ctid in ("
                + "select ctid from campaign_recipients where campaign_id = ? and bounce_type is null limit ?)", filler, total / 100);
        ReputationGuard.Rates at = guard.check().await().atMost(Duration.ofSeconds(10));
        assertThat(at.bounceRate()).isEqualTo(0.05);
        assertThat(at.overLimit()).isTrue();
        assertThat(Db.row("select status, paused_reason from campaigns where campaign_id = ?", sending))
                .containsEntry("status", "paused")
                .satisfies(row -> assertThat((String) row.get("paused_reason")).startsWith("reputation guard: hard-bounce rate 5.00%"));
        given().get("/q/health/group/reputation").then().statusCode(503).body("checks.find { it.name == 'Sending reputation' }.data.reason", startsWith("hard-bounce rate"));
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(given().get("/q/metrics").asString()).contains("mailpulse_reputation_over_limit 1.0");

        // The operator resumes deliberately; the guard does not undo it while the rate stays where it was.
        given().post("/api/campaigns/{id}/resume", sending).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.anyOf(equalTo("queued"), equalTo("sending")));
        guard.check().await().atMost(Duration.ofSeconds(10));
        assertThat(Db.row("select status from campaigns where campaign_id = ?", sending).get("status")).isNotEqualTo("paused");
    }

    @AfterEach
    void forgetTheFiller() {
        if (filler != null) {
            Db.update("update campaigns set status = 'done' where campaign_id in (?, ?)", filler, sending);
            Db.update("update campaign_recipients set sent_at = now() - interval '30 days' where campaign_id = ?", filler);
            guard.check().await().atMost(Duration.ofSeconds(10));
        }
    }

    private static void insert(UUID campaign, long count, boolean hardBounce) {
        if (count <= 0) {
            return;
        }
        Db.update("""
                with c as (insert into customers (customer_id, email)
                           select gen_random_uuid(), 'rep-' || gen_random_uuid() || '@example.com' from generate_series(1, ?) returning customer_id, email)
                insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, sent_at, bounce_type, bounced_at)
                select ?, customer_id, email, 'SENT', 5, 'rep-' || gen_random_uuid(), now(), ?, case when ? then now() end from c
                """, count, campaign, hardBounce ? "hard" : null, hardBounce);
    }
}
