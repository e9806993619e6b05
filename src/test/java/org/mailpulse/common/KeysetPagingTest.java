package org.mailpulse.common;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** Walking a large list by its {@code next} cursor returns every row once, in order, while rows are being added. */
@QuarkusTest
class KeysetPagingTest {

    private static final int SIZE = 25;

    @Test
    void campaignRecipients() {
        String prefix = prefix();
        UUID campaign = draftCampaign();
        List<String> before = new ArrayList<>();
        for (int i = 100; i < 220; i++) {
            before.add(enrol(campaign, prefix + "-" + i + "@example.com"));
        }
        List<Map<String, Object>> rows = walk("/api/campaigns/" + campaign + "/recipients", Map.of(), () -> {
            enrol(campaign, prefix + "-000@example.com"); // behind the cursor
            enrol(campaign, prefix + "-999@example.com"); // ahead of it
        });
        List<String> emails = rows.stream().map(r -> (String) r.get("email")).toList();
        assertThat(emails).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates()
                .containsAll(before).contains(prefix + "-999@example.com").doesNotContain(prefix + "-000@example.com");
        assertThat(emails).hasSize(before.size() + 1);
    }

    @Test
    void recipientsOfOneStatusTotalFromTheKeptCounts() {
        String prefix = prefix();
        UUID campaign = draftCampaign();
        for (int i = 100; i < 160; i++) {
            enrol(campaign, prefix + "-" + i + "@example.com");
        }
        Db.update("update campaign_recipients set status = 'SENT', status_rank = 5, sent_at = now() where campaign_id = ? and email like ?",
                campaign, prefix + "-1_0@%");
        JsonPath first = given().queryParam("status", "SENT").queryParam("size", 4).get("/api/campaigns/{id}/recipients", campaign)
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getLong("total")).isEqualTo(6);
        List<String> sent = new ArrayList<>(first.getList("items.email"));
        JsonPath second = given().queryParam("status", "SENT").queryParam("size", 4).queryParam("cursor", first.getString("next"))
                .get("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).extract().jsonPath();
        assertThat(second.getMap("")).doesNotContainKey("total").containsEntry("next", null);
        sent.addAll(second.getList("items.email"));
        assertThat(sent).containsExactly(prefix + "-100@example.com", prefix + "-110@example.com", prefix + "-120@example.com",
                prefix + "-130@example.com", prefix + "-140@example.com", prefix + "-150@example.com");
    }

    @Test
    void customers() {
        String prefix = prefix();
        List<String> before = new ArrayList<>();
        for (int i = 100; i < 190; i++) {
            before.add(customer(prefix + "-" + i + "@example.com"));
        }
        List<Map<String, Object>> rows = walk("/api/customers", Map.of("email", prefix), () -> customer(prefix + "-999@example.com"));
        List<String> emails = rows.stream().map(r -> (String) r.get("email")).toList();
        assertThat(emails).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates()
                .containsAll(before).contains(prefix + "-999@example.com").hasSize(before.size() + 1);
    }

    @Test
    void suppressions() {
        String prefix = prefix();
        List<String> before = new ArrayList<>();
        for (int i = 100; i < 170; i++) {
            before.add(suppress(prefix + "-" + i + "@example.com"));
        }
        List<Map<String, Object>> rows = walk("/api/suppressions", Map.of("reason", "manual"), () -> suppress(prefix + "-999@example.com"));
        List<String> emails = rows.stream().map(r -> (String) r.get("email")).toList();
        assertThat(emails).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates()
                .containsAll(before).contains(prefix + "-999@example.com");
    }

    @Test
    void quarantineNewestFirst() {
        String prefix = prefix();
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            before.add(quarantine(prefix + "-" + i));
        }
        List<Map<String, Object>> rows = walk("/api/ingest/quarantine", Map.of(), () -> quarantine(prefix + "-new"));
        List<Long> ids = rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList();
        assertThat(ids).isSortedAccordingTo(Comparator.reverseOrder()).doesNotHaveDuplicates();
        assertThat(rows.stream().map(r -> (String) r.get("sqsMessageId")).toList())
                .containsAll(before).as("newer than the first page: behind the cursor").doesNotContain(prefix + "-new");
    }

    @Test
    void reportRowsByMailTimeThenId() {
        String prefix = prefix();
        Instant day = Instant.parse("2021-03-04T00:00:00Z");
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            before.add(summary(prefix + "-" + i, day.plusSeconds(60L * (i / 3)))); // three mails a minute: ties broken by id
        }
        List<Map<String, Object>> rows = walk("/api/reports/messages", Map.of("from", "2021-03-04", "to", "2021-03-04"),
                () -> summary(prefix + "-late", day.plusSeconds(3600 * 20)));
        List<String> ids = rows.stream().map(r -> (String) r.get("messageId")).toList();
        assertThat(ids).doesNotHaveDuplicates().containsAll(before).contains(prefix + "-late");
        Function<Map<String, Object>, String> key = r -> r.get("mailTimestamp") + "/" + String.format("%019d", ((Number) r.get("id")).longValue());
        assertThat(rows.stream().map(key).toList()).isSortedAccordingTo(Comparator.naturalOrder());
    }

    @Test
    void aBadCursorIsAProblem() {
        given().queryParam("cursor", "not*base64").get("/api/customers").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("cursor"));
        quarantine(prefix());
        quarantine(prefix());
        String quarantineCursor = given().queryParam("size", 1).get("/api/ingest/quarantine").then().statusCode(200).extract().path("next");
        assertThat(quarantineCursor).isNotNull();
        given().queryParam("cursor", quarantineCursor).get("/api/campaigns/{id}/recipients", UUID.randomUUID()).then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("cursor", Cursor.of("x").encode()).get("/api/ingest/quarantine").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** Every page by cursor from the first; {@code duringWalk} runs after the second page. */
    private static List<Map<String, Object>> walk(String path, Map<String, ?> query, Runnable duringWalk) {
        List<Map<String, Object>> rows = new ArrayList<>();
        JsonPath page = given().queryParams(query).queryParam("size", SIZE).get(path).then().statusCode(200).extract().jsonPath();
        assertThat(page.getLong("total")).as("the first page counts").isPositive();
        int pages = 1;
        while (true) {
            rows.addAll(page.getList("items"));
            String next = page.getString("next");
            if (next == null) {
                break;
            }
            if (pages == 2) {
                duringWalk.run();
            }
            page = given().queryParams(query).queryParam("size", SIZE).queryParam("cursor", next).get(path).then().statusCode(200).extract().jsonPath();
            assertThat(page.getMap("")).as("no total when paging by cursor").doesNotContainKey("total");
            pages++;
        }
        assertThat(pages).as("walked several pages").isGreaterThan(2);
        return rows;
    }

    private static String prefix() {
        return "kp-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static UUID draftCampaign() {
        UUID template = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        Db.update("insert into templates (template_id, name, provider, provider_template_name) values (?, 'test', 'ses', 'test')", template);
        Db.update("insert into campaigns (campaign_id, campaign_name, template_id) values (?, 'paging', ?)", campaign, template);
        return campaign;
    }

    private static String customer(String email) {
        Db.update("insert into customers (customer_id, email) values (?, ?)", UUID.randomUUID(), email);
        return email;
    }

    private static String enrol(UUID campaign, String email) {
        UUID customer = UUID.randomUUID();
        Db.update("insert into customers (customer_id, email) values (?, ?)", customer, email);
        Db.update("insert into campaign_recipients (campaign_id, customer_id, email) values (?, ?, ?)", campaign, customer, email);
        return email;
    }

    private static String suppress(String email) {
        Db.update("insert into suppression_list (email, reason, reason_rank, source) values (?, 'manual', 2, 'user')", email);
        return email;
    }

    private static String quarantine(String sqsMessageId) {
        Db.update("insert into ingest_quarantine (sqs_message_id, reason, body) values (?, 'malformed', '{}')", sqsMessageId);
        return sqsMessageId;
    }

    private static String summary(String messageId, Instant mailTime) {
        Db.update("insert into ses_report_summary (message_id, user_email, mail_timestamp) values (?, 'u@example.com', ?)",
                messageId, Timestamp.from(mailTime));
        return messageId;
    }
}
