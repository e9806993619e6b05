package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Every SES event type, in both record formats and both wrappings, through the real queue into the real stores. */
@QuarkusTest
class SesEventIngestionTest {

    static final Instant MAIL_TIME = Instant.parse("2026-11-20T10:00:00Z");
    static final Instant EVENT_TIME = Instant.parse("2026-11-20T10:05:00.123Z");

    /** fixture, status afterwards, suppression reason (or null), recipient column set to the event time (or null). */
    static Stream<Arguments> fixtures() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] table = {
                {"publishing/send.json", "SENT", null, "sent_at", "send_at"},
                {"publishing/reject.json", "REJECTED", null, "rejected_at", "reject_at"},
                {"publishing/bounce-permanent.json", "BOUNCED", "bounce_hard", "bounced_at", "bounce_at"},
                {"publishing/bounce-transient.json", "BOUNCED", null, "bounced_at", "bounce_at"},
                {"publishing/complaint.json", "COMPLAINED", "complaint", "complained_at", "complaint_at"},
                {"publishing/complaint-not-spam.json", "SENT", null, null, "complaint_at"},
                {"publishing/delivery.json", "DELIVERED", null, "delivered_at", "delivery_at"},
                {"publishing/open.json", "OPENED", null, "opened_at", "open_at"},
                {"publishing/click.json", "CLICKED", null, "clicked_at", "click_at"},
                {"publishing/rendering-failure.json", "FAILED", null, "failed_at", "rendering_failure_at"},
                {"publishing/delivery-delay.json", "SENT", null, "delivery_delayed_at", "delivery_delay_at"},
                {"publishing/subscription-unsubscribe-all.json", "UNSUBSCRIBED", "unsubscribe", "unsubscribed_at", "subscription_at"},
                {"publishing/subscription-topic-change.json", "SENT", null, null, "subscription_at"},
                {"notification/bounce-permanent.json", "BOUNCED", "bounce_hard", "bounced_at", "bounce_at"},
                {"notification/bounce-transient.json", "BOUNCED", null, "bounced_at", "bounce_at"},
                {"notification/complaint.json", "COMPLAINED", "complaint", "complained_at", "complaint_at"},
                {"notification/delivery.json", "DELIVERED", null, "delivered_at", "delivery_at"},
        };
        for (Object[] row : table) {
            for (boolean sns : new boolean[]{true, false}) {
                cases.add(Arguments.of(row[0], sns, row[1], row[2], row[3], row[4]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} sns={1}")
    @MethodSource("fixtures")
    void eachEventTypeUpdatesStatusHistoryReportsAndSuppressions(String fixture, boolean sns, String status, String suppression,
                                                                  String recipientColumn, String summaryColumn) {
        SentMessage message = TestData.sentMessage();
        boolean timeless = fixture.contains("send.json") || fixture.contains("reject.json") || fixture.contains("rendering-failure");
        Instant expectedTime = timeless ? MAIL_TIME : EVENT_TIME;
        SesFixtures.Event event = event(fixture, message);
        Queue.send(sns ? event.inSnsEnvelope("sns-" + UUID.randomUUID()) : event.raw());

        await().atMost(Duration.ofSeconds(20)).until(() -> Db.count("select count(*) from ses_report_detail where message_id = ?", message.sesMessageId()) == 1);

        Map<String, Object> recipient = Db.row("select * from campaign_recipients where ses_message_id = ?", message.sesMessageId());
        assertThat(recipient.get("status")).isEqualTo(status);
        if (recipientColumn != null) {
            assertThat(Db.instant(recipient.get(recipientColumn))).isEqualTo(expectedTime);
        }
        Map<String, Object> summary = Db.row("select * from ses_report_summary where message_id = ?", message.sesMessageId());
        assertThat(Db.instant(summary.get(summaryColumn))).isEqualTo(expectedTime);
        assertThat(summary.get("user_email")).isEqualTo(message.email());
        assertThat(summary.get("customer_id")).isEqualTo(message.customerId());
        assertThat(summary.get("report_type")).isEqualTo(2);
        assertThat(summary.get("user_id")).isEqualTo("user-42");

        List<Map<String, Object>> history = Db.rows("select * from email_events_op where ses_message_id = ?", message.sesMessageId());
        assertThat(history).hasSize(1);
        assertThat(Db.instant(history.get(0).get("event_time"))).isEqualTo(expectedTime);
        assertThat(history.get(0).get("campaign_id")).isEqualTo(message.campaignId());

        List<Map<String, Object>> suppressions = Db.rows("select reason, source from suppression_list where email = ?", message.email());
        if (suppression == null) {
            assertThat(suppressions).isEmpty();
        } else {
            assertThat(suppressions).singleElement().satisfies(s -> {
                assertThat(s.get("reason")).isEqualTo(suppression);
                assertThat(s.get("source")).isEqualTo("ses");
            });
        }

        given().get("/api/messages/{id}", message.sesMessageId()).then().statusCode(200)
                .body("status", equalTo(status))
                .body("history.size()", equalTo(1))
                .body("campaignId", equalTo(message.campaignId().toString()));
    }

    @Test
    void eventsOfMessagesSentElsewhereAreReportedAndResolvedToTheCustomerByEmail() {
        String email = "outside-" + UUID.randomUUID() + "@example.com";
        UUID customer = TestData.customer(email);
        String sesMessageId = "foreign-" + UUID.randomUUID();
        String record = SesFixtures.event("notification/delivery.json").messageId(sesMessageId).recipient(email)
                .mailTimestamp(MAIL_TIME).eventTimestamp(EVENT_TIME).raw()
                .replace("\"name\": \"user_id\"", "\"name\": \"x-other\"");
        Queue.send(record);

        await().atMost(Duration.ofSeconds(20)).until(() -> Db.count("select count(*) from ses_report_summary where message_id = ?", sesMessageId) == 1);
        Map<String, Object> summary = Db.row("select * from ses_report_summary where message_id = ?", sesMessageId);
        assertThat(summary.get("customer_id")).isEqualTo(customer);
        assertThat(summary.get("user_id")).isEqualTo(customer.toString());
        assertThat(Db.count("select count(*) from campaign_recipients where ses_message_id = ?", sesMessageId)).isZero();
        given().get("/api/messages/{id}", sesMessageId).then().statusCode(200)
                .body("history[0].eventType", equalTo("delivery"));
    }

    @Test
    void everyInputDeliveredThreeTimesIsAppliedOnce() {
        SentMessage message = TestData.sentMessage();
        String open = event("publishing/open.json", message).inSnsEnvelope("sns-open-" + UUID.randomUUID());
        String click = event("publishing/click.json", message).raw();
        String softBounce = event("publishing/bounce-transient.json", message).eventTimestamp(EVENT_TIME.plusSeconds(60)).raw();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bodies.addAll(List.of(open, click, softBounce));
        }
        Queue.send(bodies.subList(0, 3));
        Queue.awaitDrained();
        Map<String, Object> once = Db.row("select status, open_count, click_count, opened_at, clicked_at, bounced_at from campaign_recipients where ses_message_id = ?",
                message.sesMessageId());
        Queue.send(bodies.subList(3, 9));
        Queue.awaitDrained();

        assertThat(Db.row("select status, open_count, click_count, opened_at, clicked_at, bounced_at from campaign_recipients where ses_message_id = ?",
                message.sesMessageId())).isEqualTo(once);
        assertThat(once.get("open_count")).isEqualTo(1);
        assertThat(once.get("click_count")).isEqualTo(1);
        assertThat(once.get("status")).isEqualTo("BOUNCED");
        assertThat(Db.count("select count(*) from email_events_op where ses_message_id = ?", message.sesMessageId())).isEqualTo(3);
        assertThat(Db.count("select count(*) from ses_report_detail where message_id = ?", message.sesMessageId())).isEqualTo(3);
        assertThat(Db.count("select count(*) from soft_bounces where email = ?", message.email())).isEqualTo(1);
    }

    @Test
    void snsControlMessagesAreRecognisedAndNotQuarantined() {
        long quarantinedBefore = Db.count("select count(*) from ingest_quarantine");
        SentMessage message = TestData.sentMessage();
        Queue.send(SesFixtures.load("sns/subscription-confirmation.json"), SesFixtures.load("sns/topic-validation.json"),
                SesFixtures.load("sns/subscription-succeeded.json"), event("publishing/delivery.json", message).raw());
        Queue.awaitDrained();
        assertThat(Db.count("select count(*) from ingest_quarantine")).isEqualTo(quarantinedBefore);
        assertThat(Db.row("select status from campaign_recipients where ses_message_id = ?", message.sesMessageId()).get("status"))
                .isEqualTo("DELIVERED");
    }

    static SesFixtures.Event event(String fixture, SentMessage message) {
        return SesFixtures.event(fixture)
                .messageId(message.sesMessageId())
                .recipient(message.email())
                .mailTimestamp(MAIL_TIME)
                .eventTimestamp(EVENT_TIME)
                .campaignId(message.campaignId().toString())
                .customerId(message.customerId().toString())
                .userId("user-42")
                .reportType("2");
    }
}
