package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.campaign.sending.CampaignSender;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SesStore;
import org.mailpulse.testsupport.TestServers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Campaigns from CSV to mail received by the SES emulator, through the API and the real sender. */
@QuarkusTest
class CampaignSendingTest {

    @Inject
    CampaignSender sender;

    @Test
    void aCampaignFromCsvImportToMailsReceived() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ada = "ada-" + run + "@example.com";
        String bob = "bob-" + run + "@example.com";
        String eve = "eve-" + run + "@example.com";
        String newcomer = "new-" + run + "@example.com";

        given().contentType("text/csv").body("email,name,company,country\n" + ada + ",Ada,Analytical,GB\n" + bob + ",Bob,Builders,US\n"
                        + eve + ",Eve,Eavesdrop,FR\nnot-an-address,X,Y,DE\n")
                .post("/api/customers/import").then().statusCode(200)
                .body("created", equalTo(3)).body("rejectedCount", equalTo(1)).body("rejected[0].line", equalTo(5));
        given().contentType(ContentType.JSON).body(Map.of("reason", "manual")).put("/api/suppressions/{email}", eve).then().statusCode(201);

        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Newsletter", "provider", "internal",
                        "subject", "Hello {{name}}", "htmlBody", "<p>Hi {{name}} of {{company}}</p><a href=\"{{unsubscribeUrl}}\">unsubscribe</a>",
                        "textBody", "Hi {{name}} of {{company}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "November news", "templateId", template))
                .post("/api/campaigns").then().statusCode(201).body("status", equalTo("draft")).extract().path("id");

        given().contentType("text/csv").body("email,name,company\n" + ada + ",Ada,Analytical\n" + bob + ",Bob <b>,Builders\n"
                        + eve + ",Eve,Eavesdrop\n" + newcomer + ",Nia,Newco\n" + ada + ",Ada again,X\n")
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200)
                .body("enrolled", equalTo(3)).body("suppressed", equalTo(1)).body("rejectedCount", equalTo(1));

        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200).body("status", equalTo("queued"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));

        for (String address : List.of(ada, bob, newcomer)) {
            List<Map<String, Object>> mails = SesStore.mailsTo(address);
            assertThat(mails).as(address).hasSize(1);
            Map<String, Object> mail = mails.get(0);
            assertThat(SesStore.header(mail, "List-Unsubscribe")).get().asString().matches("<https://mail\\.example\\.test/unsubscribe/[A-Za-z0-9_-]{43}>");
            assertThat(SesStore.header(mail, "List-Unsubscribe-Post")).contains("List-Unsubscribe=One-Click");
        }
        Map<String, Object> toBob = SesStore.mailsTo(bob).get(0);
        assertThat(toBob.get("subject")).isEqualTo("Hello Bob <b>");
        @SuppressWarnings("unchecked")
        Map<String, String> body = (Map<String, String>) toBob.get("body");
        assertThat(body.get("html")).contains("Hi Bob &lt;b&gt; of Builders");
        assertThat(body.get("text")).isEqualTo("Hi Bob <b> of Builders");
        assertThat(SesStore.mailsTo(eve)).isEmpty();
        List<Map<String, Object>> seenBySes = given().baseUri(TestServers.sesProxy()).get("/_simulator/sent").then().statusCode(200)
                .extract().jsonPath().getList(".");
        assertThat(seenBySes).filteredOn(mail -> ((List<?>) mail.get("to")).contains(ada)).singleElement()
                .satisfies(mail -> assertThat(String.valueOf(mail.get("tags"))).contains("mp_campaign=" + campaign).contains("mp_customer="));

        given().get("/api/campaigns/{id}", campaign).then().statusCode(200)
                .body("recipients.SENT", equalTo(3)).body("recipients.SUPPRESSED", equalTo(1));
        given().get("/api/campaigns/{id}/recipients?status=SENT", campaign).then().statusCode(200)
                .body("total", equalTo(3)).body("items[0].sesMessageId", org.hamcrest.Matchers.notNullValue());
        given().get("/api/campaigns/{id}/stats", campaign).then().statusCode(200)
                .body("recipients", equalTo(4)).body("sent", equalTo(3)).body("suppressed", equalTo(1));
    }

    @Test
    void anSesStoredTemplateIsRenderedBySesWithTheRecipientsData() {
        String name = "welcome-" + UUID.randomUUID().toString().substring(0, 8);
        given().baseUri(TestServers.sesEndpoint()).contentType(ContentType.JSON)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0")
                .body(Map.of("TemplateName", name, "TemplateContent", Map.of("Subject", "Welcome {{name}}",
                        "Text", "Hi {{name}} from {{company}}", "Html", "<p>Hi {{name}} from {{company}}</p>")))
                .post("/v2/email/templates").then().statusCode(200);
        String template = given().contentType(ContentType.JSON).body(Map.of("name", "Stored", "provider", "ses", "providerTemplateName", name))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "SES template", "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        String address = "zed-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "Zed", "company", "Zoo")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !SesStore.mailsTo(address).isEmpty());
        Map<String, Object> mail = SesStore.mailsTo(address).get(0);
        assertThat(mail.get("subject")).isEqualTo("Welcome Zed");
        assertThat(SesStore.header(mail, "List-Unsubscribe-Post")).contains("List-Unsubscribe=One-Click");
    }

    @Test
    void aScheduledCampaignWaitsForItsTime() {
        Instant at = Instant.now().plusSeconds(10);
        String campaign = Api.draftCampaign(at);
        String address = "later-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "L")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200).body("recipients.SCHEDULED", equalTo(1));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertThat(SesStore.mailsTo(address)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
        assertThat(SesStore.mailsTo(address)).hasSize(1);
        assertThat(Db.instant(Db.row("select sent_at from campaign_recipients where email = ?", address).get("sent_at"))).isAfterOrEqualTo(at);
    }

    @Test
    void aSuppressionAddedAfterEnrolmentStopsTheSend() {
        String address = "late-" + UUID.randomUUID() + "@example.com";
        String campaign = Api.draftCampaign();
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "Late")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).body("enrolled", equalTo(1));
        given().contentType(ContentType.JSON).body(Map.of("detail", "asked by phone")).put("/api/suppressions/{email}", address).then().statusCode(201);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
        assertThat(SesStore.mailsTo(address)).isEmpty();
        assertThat(Db.row("select status, status_reason from campaign_recipients where email = ?", address))
                .containsEntry("status", "SUPPRESSED").containsEntry("status_reason", "suppressed: manual");
    }

    @Test
    void aCustomerDeactivatedAfterEnrolmentIsNotSentTo() {
        String address = "gone-" + UUID.randomUUID() + "@example.com";
        String campaign = Api.draftCampaign();
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", address, "data", Map.of("name", "Gone")))))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).body("enrolled", equalTo(1));
        Object customer = Db.row("select customer_id from campaign_recipients where email = ?", address).get("customer_id");
        given().delete("/api/customers/{id}", customer.toString()).then().statusCode(204);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
        assertThat(SesStore.mailsTo(address)).isEmpty();
        assertThat(Db.row("select status, status_reason from campaign_recipients where email = ?", address))
                .containsEntry("status", "SUPPRESSED").containsEntry("status_reason", "customer deactivated");
    }

    @Test
    void severalSendersAtOnceSendEachMessageOnce() {
        String campaign = Api.draftCampaign();
        List<Map<String, Object>> recipients = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 120; i++) {
            recipients.add(Map.of("email", "many-" + run + "-" + i + "@example.com", "data", Map.of("name", "N" + i)));
        }
        given().contentType(ContentType.JSON).body(Map.of("recipients", recipients))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).body("enrolled", equalTo(120));
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);

        // The scheduled sender plus two more rounds started by hand: three senders claiming at once.
        var extra = List.of(sender.round().subscribeAsCompletionStage(), sender.round().subscribeAsCompletionStage());
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(given().get("/api/campaigns/{id}", campaign).path("status")));
        extra.forEach(f -> f.join());

        List<Map<String, Object>> mails = SesStore.all();
        for (Map<String, Object> recipient : recipients) {
            assertThat(SesStore.mailsTo((String) recipient.get("email"), mails)).as((String) recipient.get("email")).hasSize(1);
        }
        assertThat(Db.count("select count(distinct ses_message_id) from campaign_recipients where campaign_id = ?::uuid and status = 'SENT'", campaign))
                .isEqualTo(120);
    }

    @Test
    void invalidTransitionsAnswer409AndUnknownCampaigns404() {
        String later = Api.draftCampaign(Instant.now().plus(Duration.ofDays(7)));
        given().post("/api/campaigns/{id}/pause", later).then().statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo("Cannot pause a campaign that is draft"));
        given().post("/api/campaigns/{id}/resume", later).then().statusCode(409);
        given().post("/api/campaigns/{id}/queue", later).then().statusCode(200).body("status", equalTo("queued"));
        given().post("/api/campaigns/{id}/queue", later).then().statusCode(409);
        given().post("/api/campaigns/{id}/resume", later).then().statusCode(409);
        given().post("/api/campaigns/{id}/pause", later).then().statusCode(200).body("status", equalTo("paused"));
        given().post("/api/campaigns/{id}/pause", later).then().statusCode(409);
        given().post("/api/campaigns/{id}/queue", later).then().statusCode(409);
        given().post("/api/campaigns/{id}/resume", later).then().statusCode(200).body("status", equalTo("queued"));

        String now = Api.draftCampaign(null);
        given().post("/api/campaigns/{id}/queue", now).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(given().get("/api/campaigns/{id}", now).path("status")));
        for (String action : List.of("queue", "pause", "resume")) {
            given().post("/api/campaigns/{id}/" + action, now).then().statusCode(409);
        }
        given().contentType(ContentType.JSON).body(Map.of("recipients", List.of(Map.of("email", "late@example.com"))))
                .post("/api/campaigns/{id}/recipients", now).then().statusCode(409);
        given().post("/api/campaigns/{id}/queue", UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
    }
}
