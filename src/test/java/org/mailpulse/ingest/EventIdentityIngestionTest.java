package org.mailpulse.ingest;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.quarkus.test.junit.QuarkusTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;
import org.mailpulse.testsupport.TestServers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mailpulse.ingest.SesEventIngestionTest.EVENT_TIME;
import static org.mailpulse.ingest.SesEventIngestionTest.event;

/**
 * One SES event takes effect once whatever carries it: raw, in an SNS envelope, as an EventBridge event, as identity
 * notification or configuration-set event; through the real queue into the real stores. The SNS and raw wrapping of
 * every type is {@link SesEventIngestionTest}'s; the EventBridge wrapping of every type is here.
 */
@QuarkusTest
class EventIdentityIngestionTest {

    /** Every event-publishing fixture as EventBridge event, with the status and suppression it leads to. */
    static Stream<Arguments> eventBridgeFixtures() {
        return SesEventIngestionTest.fixtures()
                .map(Arguments::get)
                .filter(row -> ((String) row[0]).startsWith("publishing/") && (Boolean) row[1])
                .map(row -> Arguments.of(((String) row[0]).replace("publishing/", "eventbridge/"), row[2], row[3]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventBridgeFixtures")
    void anEventBridgeEventIsAppliedAndArchivedAndItsOtherWrappingsAreDuplicates(String fixture, String status, String suppression) {
        SentMessage message = TestData.sentMessage();
        String eventBridgeId = "eb-" + UUID.randomUUID();
        SesFixtures.Event eventBridge = event(fixture, message).eventBridgeId(eventBridgeId);
        Queue.send(eventBridge.raw());
        await().atMost(Duration.ofSeconds(20)).until(() -> history(message) == 1);

        Map<String, Object> recipient = recipient(message);
        assertThat(recipient.get("status")).isEqualTo(status);
        assertThat(Db.count("select count(*) from ses_report_detail where message_id = ?", message.sesMessageId())).isOne();
        assertThat(Db.rows("select reason from suppression_list where email = ?", message.email()))
                .extracting(row -> row.get("reason")).containsExactlyElementsOf(suppression == null ? List.of() : List.of(suppression));
        String key = Db.row("select notification_id from email_events_op where ses_message_id = ?", message.sesMessageId())
                .get("notification_id").toString();
        assertThat(key).matches("ev:[0-9a-f]{64}");
        Document archived = archived(key);
        assertThat(archived.getString("Type")).isEqualTo("EventBridge");
        assertThat(archived.getString("EnvelopeId")).isEqualTo(eventBridgeId);
        assertThat(archived.getString("Subject")).isEqualTo(detailType(fixture));
        boolean timeless = fixture.contains("send.json") || fixture.contains("reject.json") || fixture.contains("rendering-failure");
        assertThat(archived.getString("Timestamp")).isEqualTo(SesFixtures.sesTimestamp(timeless ? SesEventIngestionTest.MAIL_TIME : EVENT_TIME));

        SesFixtures.Event publishing = event(fixture.replace("eventbridge/", "publishing/"), message);
        Queue.send(publishing.raw(), publishing.inSnsEnvelope("sns-" + UUID.randomUUID()), publishing.inSnsEnvelope("sns-" + UUID.randomUUID()),
                eventBridge.raw(), publishing.inEventBridge("eb-" + UUID.randomUUID()));
        Queue.awaitDrained();

        assertThat(history(message)).isOne();
        assertThat(Db.count("select count(*) from ses_report_detail where message_id = ?", message.sesMessageId())).isOne();
        assertThat(recipient(message)).isEqualTo(recipient);
    }

    @Test
    void anIdentityNotificationAndAConfigurationSetEventForOneFeedbackTakeEffectOnce() {
        SentMessage bounced = TestData.sentMessage();
        SentMessage complained = TestData.sentMessage();
        SentMessage delivered = TestData.sentMessage();
        String bounceFeedback = "fb-" + UUID.randomUUID();
        String complaintFeedback = "fb-" + UUID.randomUUID();
        SesFixtures.Event bounceNotification = event("notification/bounce-transient.json", bounced).field("bounce", "feedbackId", bounceFeedback);
        SesFixtures.Event bounceEvent = event("publishing/bounce-transient.json", bounced).field("bounce", "feedbackId", bounceFeedback);
        SesFixtures.Event complaintNotification = event("notification/complaint.json", complained).field("complaint", "feedbackId", complaintFeedback);
        SesFixtures.Event complaintEvent = event("publishing/complaint.json", complained).field("complaint", "feedbackId", complaintFeedback);
        SesFixtures.Event deliveryNotification = event("notification/delivery.json", delivered);
        SesFixtures.Event deliveryEvent = event("publishing/delivery.json", delivered);

        Queue.send(bounceNotification.inSnsEnvelope("sns-" + UUID.randomUUID()), bounceEvent.inSnsEnvelope("sns-" + UUID.randomUUID()),
                bounceEvent.inEventBridge("eb-" + UUID.randomUUID()), bounceNotification.raw(),
                complaintNotification.inSnsEnvelope("sns-" + UUID.randomUUID()), complaintEvent.inEventBridge("eb-" + UUID.randomUUID()),
                complaintEvent.raw(),
                deliveryNotification.raw(), deliveryEvent.inSnsEnvelope("sns-" + UUID.randomUUID()), deliveryEvent.inEventBridge("eb-" + UUID.randomUUID()));
        Queue.awaitDrained();

        assertThat(history(bounced)).isOne();
        assertThat(history(complained)).isOne();
        assertThat(history(delivered)).isOne();
        assertThat(Db.count("select count(*) from soft_bounces where email = ?", bounced.email())).isOne();
        assertThat(recipient(bounced).get("status")).isEqualTo("BOUNCED");
        assertThat(recipient(complained).get("status")).isEqualTo("COMPLAINED");
        assertThat(recipient(delivered).get("status")).isEqualTo("DELIVERED");
    }

    @Test
    void aTransientBounceInEveryWrappingCountsOnceTowardsTheSoftBounceRule() {
        SentMessage message = TestData.sentMessage();
        for (int i = 0; i < 2; i++) {
            sendTransientBounceEveryWay(message, i);
        }
        Queue.awaitDrained();
        // threshold 3: had the copies counted, the address would be suppressed by now
        assertThat(Db.count("select count(*) from soft_bounces where email = ?", message.email())).isEqualTo(2);
        assertThat(Db.count("select count(*) from suppression_list where email = ?", message.email())).isZero();

        sendTransientBounceEveryWay(message, 2);
        Queue.awaitDrained();
        assertThat(Db.count("select count(*) from soft_bounces where email = ?", message.email())).isEqualTo(3);
        assertThat(Db.row("select reason from suppression_list where email = ?", message.email()).get("reason")).isEqualTo("bounce_soft");
    }

    @Test
    void twoDistinctOpensCountTwiceAndEachOfTheirCopiesNotAtAll() {
        SentMessage message = TestData.sentMessage();
        SesFixtures.Event first = event("publishing/open.json", message);
        SesFixtures.Event second = event("publishing/open.json", message).field("open", "ipAddress", "198.51.100.7");
        Queue.send(first.raw(), first.inSnsEnvelope("sns-" + UUID.randomUUID()), second.inEventBridge("eb-" + UUID.randomUUID()),
                second.raw(), first.inEventBridge("eb-" + UUID.randomUUID()), second.inSnsEnvelope("sns-" + UUID.randomUUID()));
        Queue.awaitDrained();

        assertThat(history(message)).isEqualTo(2);
        assertThat(recipient(message).get("open_count")).isEqualTo(2);
        assertThat(recipient(message).get("status")).isEqualTo("OPENED");
    }

    @Test
    void keysStoredBeforeTheUpgradeStillDeduplicate() {
        SentMessage viaSns = TestData.sentMessage();
        SentMessage raw = TestData.sentMessage();
        SentMessage fresh = TestData.sentMessage();
        String snsMessageId = "sns-" + UUID.randomUUID();
        // what the version before V8 stored on applying them: the SNS MessageId, and the digest of a raw record
        Db.update("insert into ingest_dedupe (notification_id) values (?)", snsMessageId);
        Db.update("insert into ingest_dedupe (notification_id) values (?)",
                "raw:" + sha256(raw.sesMessageId() + "\nDelivery\n" + EVENT_TIME + "\n" + raw.email()));

        Queue.send(event("publishing/open.json", viaSns).inSnsEnvelope(snsMessageId),
                event("publishing/delivery.json", raw).raw(), event("publishing/delivery.json", raw).inEventBridge("eb-" + UUID.randomUUID()),
                event("publishing/delivery.json", fresh).raw());
        Queue.awaitDrained();

        assertThat(history(viaSns)).isZero();
        assertThat(history(raw)).isZero();
        assertThat(history(fresh)).isOne();
        assertThat(recipient(viaSns).get("status")).isEqualTo("SENT");
        assertThat(recipient(raw).get("status")).isEqualTo("SENT");
    }

    private static void sendTransientBounceEveryWay(SentMessage message, int n) {
        String feedbackId = "fb-" + n + "-" + UUID.randomUUID();
        SesFixtures.Event publishing = event("publishing/bounce-transient.json", message)
                .eventTimestamp(EVENT_TIME.plusSeconds(60L * n)).field("bounce", "feedbackId", feedbackId);
        SesFixtures.Event notification = event("notification/bounce-transient.json", message)
                .eventTimestamp(EVENT_TIME.plusSeconds(60L * n)).field("bounce", "feedbackId", feedbackId);
        Queue.send(publishing.raw(), publishing.inSnsEnvelope("sns-" + UUID.randomUUID()), publishing.inEventBridge("eb-" + UUID.randomUUID()),
                notification.inSnsEnvelope("sns-" + UUID.randomUUID()), notification.raw());
    }

    private static String detailType(String fixture) {
        String record = SesFixtures.load(fixture);
        int at = record.indexOf("\"detail-type\": \"") + "\"detail-type\": \"".length();
        return record.substring(at, record.indexOf('"', at));
    }

    private static long history(SentMessage message) {
        return Db.count("select count(*) from email_events_op where ses_message_id = ?", message.sesMessageId());
    }

    private static Map<String, Object> recipient(SentMessage message) {
        return Db.row("select * from campaign_recipients where ses_message_id = ?", message.sesMessageId());
    }

    private static Document archived(String key) {
        try (MongoClient mongo = MongoClients.create(TestServers.mongoUrl())) {
            return mongo.getDatabase("mailpulse").getCollection("ses_event").find(eq("_id", key)).first();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
