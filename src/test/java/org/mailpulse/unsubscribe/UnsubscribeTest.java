package org.mailpulse.unsubscribe;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SesStore;
import org.mailpulse.testsupport.TestServers;
import org.mailpulse.unsubscribe.service.ExpiredTokenPurge;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** RFC 8058 one-click unsubscribe from the link in a mail that was really sent. */
@QuarkusTest
class UnsubscribeTest {

    @Inject
    ExpiredTokenPurge purge;

    private static final Pattern LINK = Pattern.compile("<https://mail\\.example\\.test(/unsubscribe/[A-Za-z0-9_-]{43})>");

    @Test
    void getChangesNothingPostUnsubscribesOnceAndExpiredOrUnknownTokensGetAClearPage() {
        String address = "leaver-" + UUID.randomUUID() + "@example.com";
        String path = sendOneMailTo(address);

        given().get(path).then().statusCode(200).contentType(ContentType.HTML).body(containsString("<form method=\"post\">"))
                .body(not(containsString(address)));
        assertThat(Db.count("select count(*) from suppression_list where email = ?", address)).isZero();
        assertThat(Db.row("select status from campaign_recipients where email = ?", address).get("status")).isEqualTo("SENT");

        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.URLENC).formParam("List-Unsubscribe", "One-Click").post(path)
                    .then().statusCode(200).body(containsString("Unsubscribed"));
        }
        assertThat(Db.row("select reason, source from suppression_list where email = ?", address))
                .containsEntry("reason", "unsubscribe").containsEntry("source", "user");
        Map<String, Object> message = Db.row("select status, unsubscribed_at, ses_message_id from campaign_recipients where email = ?", address);
        assertThat(message.get("status")).isEqualTo("UNSUBSCRIBED");
        assertThat(message.get("unsubscribed_at")).isNotNull();
        assertThat(Db.count("select count(*) from email_events_op where email = ? and event_type = 'unsubscribe' and ses_message_id = ?",
                address, message.get("ses_message_id"))).isOne();
        assertThat(Db.count("select count(*) from unsubscribe_tokens where email = ? and used_at is not null", address)).isOne();
        given().get(path).then().statusCode(200).body(containsString("already unsubscribed"));

        Db.update("update unsubscribe_tokens set expires_at = now() - interval '1 day' where email = ?", address);
        given().get(path).then().statusCode(410).body(containsString("expired"));
        given().contentType(ContentType.URLENC).formParam("List-Unsubscribe", "One-Click").post(path).then().statusCode(410);

        given().get("/unsubscribe/" + "A".repeat(43)).then().statusCode(404).body(containsString("not valid"));
        given().get("/unsubscribe/<script>").then().statusCode(404).body(not(containsString("<script>")));
        given().post("/unsubscribe/short").then().statusCode(404);
    }

    @Test
    void aComplaintIsNotDowngradedByAnUnsubscribe() {
        String address = "angry-" + UUID.randomUUID() + "@example.com";
        String path = sendOneMailTo(address);
        given().contentType(ContentType.JSON).body(Map.of("reason", "complaint")).put("/api/suppressions/{email}", address).then().statusCode(201);
        given().post(path).then().statusCode(200);
        assertThat(Db.row("select reason from suppression_list where email = ?", address).get("reason")).isEqualTo("complaint");
    }

    @Test
    void aMessageClaimedAgainAfterThrottlingHasOneTokenWhoseLinkIsTheOneInTheMail() {
        given().baseUri(TestServers.sesProxy()).queryParams(Map.of("count", "3", "fault", "THROTTLING")).post("/_simulator/fail-next")
                .then().statusCode(200);
        String address = "retried-" + UUID.randomUUID() + "@example.com";
        String path = sendOneMailTo(address);
        assertThat(Db.row("select attempt_count from campaign_recipients where email = ?", address)).containsEntry("attempt_count", 1);
        assertThat(Db.count("select count(*) from unsubscribe_tokens where email = ?", address)).as("token rows of the message").isOne();
        given().get(path).then().statusCode(200).body(containsString("<form method=\"post\">"));
    }

    @Test
    void expiredTokensArePurgedAndLiveOnesKept() {
        String expired = "expired-" + UUID.randomUUID() + "@example.com";
        String live = "live-" + UUID.randomUUID() + "@example.com";
        sendOneMailTo(expired);
        String livePath = sendOneMailTo(live);
        Db.update("update unsubscribe_tokens set expires_at = now() - interval '1 second' where email = ?", expired);
        assertThat(purge.purge().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(Db.count("select count(*) from unsubscribe_tokens where email = ?", expired)).isZero();
        assertThat(Db.count("select count(*) from unsubscribe_tokens where expires_at < now()")).isZero();
        assertThat(Db.count("select count(*) from unsubscribe_tokens where email = ?", live)).isOne();
        given().get(livePath).then().statusCode(200);
    }

    private static String sendOneMailTo(String address) {
        String campaign = Api.draftCampaign();
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "Lee")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !SesStore.mailsTo(address).isEmpty());
        String header = SesStore.header(SesStore.mailsTo(address).get(0), "List-Unsubscribe").orElseThrow();
        Matcher m = LINK.matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(Db.row("select status from campaign_recipients where email = ?", address).get("status")));
        return m.group(1);
    }
}
