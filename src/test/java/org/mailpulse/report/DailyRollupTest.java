package org.mailpulse.report;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.report.rollup.DailyRollup;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Rollups of a generated stream match counts computed here, independently, from the same stream. */
@QuarkusTest
class DailyRollupTest {

    static final LocalDate DAY1 = LocalDate.of(2025, 3, 10);
    static final LocalDate DAY2 = DAY1.plusDays(1);

    @Inject
    DailyRollup rollup;

    record Fact(UUID campaign, String domain, String message, LocalDate day, String kind) {
    }

    @Test
    void rollupsMatchAnIndependentCountAndAreIdempotent() {
        List<UUID> campaigns = List.of(TestData.campaign(), TestData.campaign());
        List<SentMessage> messages = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        List<Fact> facts = new ArrayList<>();
        String[] domains = {"alpha.example", "beta.example"};
        for (int i = 0; i < 12; i++) {
            UUID campaign = campaigns.get(i % 2);
            String email = "roll-" + UUID.randomUUID() + "@" + domains[i % 3 == 0 ? 1 : 0];
            UUID customer = TestData.customer(email);
            String ses = "roll-" + UUID.randomUUID();
            Db.update("insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, sent_at) "
                    + "values (?, ?, ?, 'SENT', 5, ?, ?::timestamptz)", campaign, customer, email, ses, DAY1.atTime(8, i).toInstant(ZoneOffset.UTC).toString());
            SentMessage m = new SentMessage(campaign, customer, email, ses);
            messages.add(m);
            String domain = email.substring(email.indexOf('@') + 1);
            facts.add(new Fact(campaign, domain, ses, DAY1, "sent"));
            boolean bounces = i % 4 == 3;
            if (bounces) {
                add(bodies, facts, m, domain, "publishing/bounce-permanent.json", DAY1, 9, "bounced_hard");
            } else {
                add(bodies, facts, m, domain, "publishing/delivery.json", DAY1, 9, "delivered");
                bodies.add(bodies.get(bodies.size() - 1)); // a duplicate delivery of the same SNS message
            }
            if (i % 2 == 0 && !bounces) {
                add(bodies, facts, m, domain, "publishing/open.json", DAY1, 10, "opened");
                add(bodies, facts, m, domain, "publishing/open.json", DAY1, 11, "opened"); // opened twice: one unique open
            }
            if (i % 3 == 1 && !bounces) {
                add(bodies, facts, m, domain, "publishing/click.json", DAY1, 12, "clicked");
                add(bodies, facts, m, domain, "publishing/open.json", DAY2, 9, "opened"); // a late open, next day
            }
            if (i == 4) {
                add(bodies, facts, m, domain, "publishing/bounce-transient.json", DAY2, 10, "bounced_soft");
            }
            if (i == 6) {
                add(bodies, facts, m, domain, "publishing/complaint.json", DAY2, 11, "complained");
                add(bodies, facts, m, domain, "publishing/subscription-unsubscribe-all.json", DAY2, 12, "unsubscribed");
            }
        }
        Queue.send(bodies);
        Queue.awaitDrained();

        assertThat(rollup.rollUp(DAY1).await().atMost(Duration.ofSeconds(30))).isTrue();
        assertThat(rollup.rollUp(DAY2).await().atMost(Duration.ofSeconds(30))).isTrue();
        for (LocalDate day : List.of(DAY1, DAY2)) {
            for (UUID campaign : campaigns) {
                assertThat(campaignRow(day, campaign)).as(day + " " + campaign).isEqualTo(expected(facts, day, f -> f.campaign().equals(campaign)));
            }
        }
        Set<String> domainSet = new HashSet<>(List.of(domains));
        for (String domain : domainSet) {
            Map<String, Long> expected = expected(facts, DAY1, f -> f.domain().equals(domain));
            Map<String, Long> actual = domainRow(DAY1, domain);
            // Other tests' mail may share a domain on other days only; these domains are this test's own.
            assertThat(actual).as(domain).isEqualTo(expected);
        }

        List<Map<String, Object>> before = Db.rows("select * from report_daily_campaign where day in (?, ?) order by day, campaign_id", DAY1, DAY2);
        CompletableFuture<Boolean> a = rollup.rollUp(DAY1).subscribeAsCompletionStage();
        CompletableFuture<Boolean> b = rollup.rollUp(DAY1).subscribeAsCompletionStage();
        assertThat(a.join() || b.join()).isTrue();
        assertThat(withoutTimes(Db.rows("select * from report_daily_campaign where day in (?, ?) order by day, campaign_id", DAY1, DAY2)))
                .isEqualTo(withoutTimes(before));

        // A missed day is caught up: forget both days, keep the day before as the last completed one.
        Db.update("delete from report_daily_campaign where day in (?, ?)", DAY1, DAY2);
        Db.update("delete from report_rollup_run where day >= ?", DAY1.minusDays(1));
        Db.update("insert into report_rollup_run (day) values (?)", DAY1.minusDays(1));
        assertThat(rollup.catchUp(DAY2, 35).await().atMost(Duration.ofSeconds(60))).containsExactly(DAY1, DAY2);
        assertThat(withoutTimes(Db.rows("select * from report_daily_campaign where day in (?, ?) order by day, campaign_id", DAY1, DAY2)))
                .isEqualTo(withoutTimes(before));

        given().get("/api/reports/daily?from={f}&to={t}&campaignId={c}", DAY1.toString(), DAY2.toString(), campaigns.get(0).toString()).then().statusCode(200)
                .body("items.size()", equalTo(2))
                .body("items[0].sent", equalTo(expected(facts, DAY1, f -> f.campaign().equals(campaigns.get(0))).get("sent").intValue()));
        given().get("/api/reports/domains?from={f}&to={t}", DAY1.toString(), DAY1.toString()).then().statusCode(200)
                .body("items.find { it.domain == 'alpha.example' }.sent", equalTo(expected(facts, DAY1, f -> f.domain().equals("alpha.example")).get("sent").intValue()));
        given().get("/api/reports/messages?from={f}&to={t}&eventType=bounce&size=500", DAY1.toString(), DAY2.toString()).then().statusCode(200)
                .body("total", equalTo((int) facts.stream().filter(f -> f.kind().startsWith("bounced")).map(Fact::message).distinct().count()));
        given().get("/api/reports/daily?from={f}&to={t}", DAY2.toString(), DAY1.toString()).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void catchUpFillsEveryGapAndLeavesLockedDaysToTheReplicaHoldingTheLock() throws Exception {
        LocalDate yesterday = LocalDate.of(2025, 6, 20);
        Db.update("delete from report_rollup_run where day between ? and ?", yesterday.minusDays(10), yesterday.plusDays(10));
        // An admin re-run of the 19th overtook the 17th and 18th: they are still filled in, as is the 20th.
        Db.update("insert into report_rollup_run (day) values (?), (?)", yesterday.minusDays(4), yesterday.minusDays(1));

        try (Connection otherReplica = TestServers.jdbc()) {
            otherReplica.setAutoCommit(false);
            try (PreparedStatement lock = otherReplica.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, DailyRollup.LOCK);
                lock.execute();
            }
            assertThat(rollup.catchUp(yesterday, 5).await().atMost(Duration.ofSeconds(30)))
                    .containsExactly(yesterday.minusDays(3), yesterday.minusDays(2), yesterday);
            assertThat(Db.count("select count(*) from report_rollup_run where day between ? and ?", yesterday.minusDays(4), yesterday))
                    .as("nothing computed while another replica holds the lock").isEqualTo(2);
            otherReplica.rollback();
        }

        assertThat(rollup.catchUp(yesterday, 5).await().atMost(Duration.ofSeconds(30)))
                .containsExactly(yesterday.minusDays(3), yesterday.minusDays(2), yesterday);
        assertThat(Db.count("select count(*) from report_rollup_run where day between ? and ? and runs = 1", yesterday.minusDays(4), yesterday))
                .isEqualTo(5);
        assertThat(rollup.catchUp(yesterday, 5).await().atMost(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void todayAndLaterCannotBeRolledUpByHand() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate day : List.of(today, today.plusDays(1), LocalDate.of(9999, 12, 31))) {
            given().post("/api/reports/rollups/{day}", day.toString()).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("before today"));
        }
        assertThat(Db.count("select count(*) from report_rollup_run where day >= ?", today)).isZero();
    }

    private static void add(List<String> bodies, List<Fact> facts, SentMessage m, String domain, String fixture, LocalDate day, int hour, String kind) {
        Instant at = day.atTime(hour, 0).toInstant(ZoneOffset.UTC).plusSeconds(bodies.size());
        bodies.add(SesFixtures.event(fixture).messageId(m.sesMessageId()).recipient(m.email())
                .mailTimestamp(DAY1.atTime(8, 0).toInstant(ZoneOffset.UTC)).eventTimestamp(at)
                .campaignId(m.campaignId().toString()).customerId(m.customerId().toString())
                .inSnsEnvelope("sns-" + UUID.randomUUID()));
        facts.add(new Fact(m.campaignId(), domain, m.sesMessageId(), day, kind));
    }

    private static Map<String, Long> expected(List<Fact> facts, LocalDate day, java.util.function.Predicate<Fact> where) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kind : List.of("sent", "delivered", "bounced_hard", "bounced_soft", "complained", "opened", "clicked", "unsubscribed")) {
            counts.put(kind, facts.stream().filter(f -> f.day().equals(day) && f.kind().equals(kind)).filter(where)
                    .map(Fact::message).distinct().count());
        }
        return counts;
    }

    private static Map<String, Long> campaignRow(LocalDate day, UUID campaign) {
        return counts(Db.rows("select * from report_daily_campaign where day = ? and campaign_id = ?", day, campaign));
    }

    private static Map<String, Long> domainRow(LocalDate day, String domain) {
        return counts(Db.rows("select * from report_daily_domain where day = ? and domain = ?", day, domain));
    }

    private static Map<String, Long> counts(List<Map<String, Object>> rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Object> row = rows.isEmpty() ? Map.of() : rows.get(0);
        for (String[] column : new String[][]{{"sent", "sent"}, {"delivered", "delivered"}, {"bounced_hard", "bounced_hard"},
                {"bounced_soft", "bounced_soft"}, {"complained", "complained"}, {"opened", "unique_opens"}, {"clicked", "unique_clicks"},
                {"unsubscribed", "unsubscribed"}}) {
            counts.put(column[0], row.get(column[1]) == null ? 0L : ((Number) row.get(column[1])).longValue());
        }
        return counts;
    }

    private static List<Map<String, Object>> withoutTimes(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            copy.remove("computed_at");
            return copy;
        }).toList();
    }
}
