package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.campaign.repository.CampaignCountsRepository;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestServers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The kept counts answer exactly what a recount of the messages says, whoever changes them and however. */
@QuarkusTest
class CampaignCountsTest {

    private static final String[] STATS = {"recipients", "sent", "delivered", "bouncedHard", "bouncedSoft", "complained", "opened",
            "clicked", "unsubscribed", "failed", "suppressed"};

    @Inject
    CampaignCountsKeeper keeper;

    @Test
    void countsFollowInsertsStatusChangesDuplicatesAndDeletes() {
        UUID campaign = draftCampaign();
        String prefix = "k-" + UUID.randomUUID().toString().substring(0, 8);
        customers(prefix, 300);
        enrol(campaign, prefix, 1, 200);
        assertKeptEqualsRecount(campaign);
        assertThat(stats(campaign).getLong("recipients")).isEqualTo(200);

        Db.update("update campaign_recipients set status = 'SENT', status_rank = 5, sent_at = now() where campaign_id = ? and email like ?",
                campaign, prefix + "-1%");
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8, delivered_at = now() where campaign_id = ? and email like ?",
                campaign, prefix + "-12%");
        Db.update("update campaign_recipients set status = 'BOUNCED', status_rank = 11, bounced_at = now(), bounce_type = 'hard' where campaign_id = ? and email like ?",
                campaign, prefix + "-13%");
        Db.update("update campaign_recipients set status = 'COMPLAINED', status_rank = 13, complained_at = now(), opened_at = now() where campaign_id = ? and email like ?",
                campaign, prefix + "-14%");
        Db.update("update campaign_recipients set status = 'FAILED', status_rank = 6, failed_at = now() where campaign_id = ? and email like ?",
                campaign, prefix + "-2%");
        Db.update("update campaign_recipients set updated_at = now() where campaign_id = ?", campaign); // changes no counter
        assertKeptEqualsRecount(campaign);
        assertThat(stats(campaign).getLong("bouncedHard")).isEqualTo(11);

        // the scheduled fold may hold the lock at this moment: then this one folds nothing, and that one folds them
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            keeper.fold().await().atMost(Duration.ofSeconds(30));
            assertThat(Db.count("select count(*) from campaign_count_deltas where campaign_id = ?", campaign)).as("all folded").isZero();
        });
        assertKeptEqualsRecount(campaign);

        enrol(campaign, prefix, 150, 300); // 150..200 are enrolled already: skipped, not counted twice
        assertKeptEqualsRecount(campaign);
        assertThat(stats(campaign).getLong("recipients")).isEqualTo(300);

        Db.update("delete from campaign_recipients where campaign_id = ? and email like ?", campaign, prefix + "-1%");
        assertKeptEqualsRecount(campaign);
        keeper.fold().await().atMost(Duration.ofSeconds(30));
        assertKeptEqualsRecount(campaign);
    }

    @Test
    void concurrentWritersToOneCampaignLoseNoChange() throws Exception {
        UUID campaign = draftCampaign();
        String prefix = "w-" + UUID.randomUUID().toString().substring(0, 8);
        customers(prefix, 800);
        enrol(campaign, prefix, 1, 400);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                work.add(pool.submit(() -> {
                    // each writer moves its own messages one transaction at a time, and enrols its own new ones
                    try (Connection c = TestServers.jdbc();
                         PreparedStatement sent = c.prepareStatement("update campaign_recipients set status = 'SENT', status_rank = 5, sent_at = now() "
                                 + "where campaign_id = ? and email = ?");
                         PreparedStatement opened = c.prepareStatement("update campaign_recipients set status = 'OPENED', status_rank = 9, "
                                 + "opened_at = now(), delivered_at = now() where campaign_id = ? and email = ?")) {
                        for (int i = 1 + writer; i <= 400; i += writers) {
                            String email = prefix + "-" + i + "@example.com";
                            sent.setObject(1, campaign);
                            sent.setString(2, email);
                            sent.executeUpdate();
                            if (i % 3 == 0) {
                                opened.setObject(1, campaign);
                                opened.setString(2, email);
                                opened.executeUpdate();
                            }
                        }
                    }
                    for (int i = 401 + writer; i <= 800; i += writers * 5) {
                        enrol(campaign, prefix, i, Math.min(i + writers * 5 - 1, 800));
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    keeper.fold().await().atMost(Duration.ofSeconds(30));
                }
                return null;
            }));
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertKeptEqualsRecount(campaign);
        assertThat(stats(campaign).getLong("sent")).isEqualTo(400);
        keeper.fold().await().atMost(Duration.ofSeconds(30));
        assertKeptEqualsRecount(campaign);
    }

    @Test
    void theReconciliationCorrectsAnInjectedDriftAndShowsIt() {
        UUID campaign = draftCampaign();
        String prefix = "d-" + UUID.randomUUID().toString().substring(0, 8);
        customers(prefix, 50);
        enrol(campaign, prefix, 1, 50);
        keeper.fold().await().atMost(Duration.ofSeconds(30));
        keeper.reconcile().await().atMost(Duration.ofSeconds(60));
        assertThat(drift()).as("nothing drifted yet").isZero();

        // changes made behind the triggers' back
        Db.update("update campaign_counts set n = n + 7 where campaign_id = ? and counter = 'status:CREATED'", campaign);
        Db.update("insert into campaign_counts (campaign_id, counter, n) values (?, 'opened', 3)", campaign);
        assertThat(stats(campaign).getLong("recipients")).isEqualTo(57);

        CampaignCountsRepository.Drift found = keeper.reconcile().await().atMost(Duration.ofSeconds(60));
        assertThat(found.total()).isEqualTo(10);
        assertThat(found.counters()).isEqualTo(2);
        assertThat(drift()).isEqualTo(10);
        assertKeptEqualsRecount(campaign);

        keeper.reconcile().await().atMost(Duration.ofSeconds(60));
        assertThat(drift()).isZero();
    }

    private static void assertKeptEqualsRecount(UUID campaign) {
        Map<String, Object> truth = Db.row("""
                select count(*) as recipients, count(sent_at) as sent, count(delivered_at) as delivered,
                       count(*) filter (where bounce_type = 'hard') as "bouncedHard", count(*) filter (where bounce_type = 'soft') as "bouncedSoft",
                       count(complained_at) as complained, count(opened_at) as opened, count(clicked_at) as clicked,
                       count(unsubscribed_at) as unsubscribed, count(*) filter (where status in ('FAILED', 'REJECTED')) as failed,
                       count(*) filter (where status = 'SUPPRESSED') as suppressed
                from campaign_recipients where campaign_id = ?
                """, campaign);
        JsonPath stats = stats(campaign);
        Map<String, Long> kept = new LinkedHashMap<>();
        Map<String, Long> recount = new LinkedHashMap<>();
        for (String name : STATS) {
            kept.put(name, stats.getLong(name));
            recount.put(name, ((Number) truth.get(name)).longValue());
        }
        assertThat(kept).as("stats").isEqualTo(recount);

        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (var status : org.mailpulse.message.MessageStatus.values()) {
            byStatus.put(status.name(), Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = ?", campaign, status.name()));
        }
        Map<String, Integer> shown = given().get("/api/campaigns/{id}", campaign).then().statusCode(200).extract().path("recipients");
        Map<String, Long> shownLong = new LinkedHashMap<>();
        shown.forEach((k, v) -> shownLong.put(k, v.longValue()));
        assertThat(shownLong).as("counts by status").isEqualTo(byStatus);
    }

    private static JsonPath stats(UUID campaign) {
        return given().get("/api/campaigns/{id}/stats", campaign).then().statusCode(200).extract().jsonPath();
    }

    private static double drift() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("mailpulse_campaign_count_drift "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
    }

    private static UUID draftCampaign() {
        UUID template = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        Db.update("insert into templates (template_id, name, provider, provider_template_name) values (?, 'test', 'ses', 'test')", template);
        Db.update("insert into campaigns (campaign_id, campaign_name, template_id) values (?, 'counts', ?)", campaign, template);
        return campaign;
    }

    private static void customers(String prefix, int n) {
        Db.update("insert into customers (customer_id, email) select gen_random_uuid(), ? || '-' || i || '@example.com' from generate_series(1, ?) i",
                prefix, n);
    }

    /** One statement enrolling customers {@code from..to}, skipping those enrolled already. */
    private static void enrol(UUID campaign, String prefix, int from, int to) {
        Db.update("""
                insert into campaign_recipients (campaign_id, customer_id, email)
                select ?, customer_id, email from customers where email = any(array(
                    select ? || '-' || i || '@example.com' from generate_series(?, ?) i))
                on conflict do nothing
                """, campaign, prefix, from, to);
    }
}
