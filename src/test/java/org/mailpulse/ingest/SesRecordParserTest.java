package org.mailpulse.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailpulse.ses.event.EventIdentity;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ses.event.SesEventType;
import org.mailpulse.testsupport.MalformedReasons;
import org.mailpulse.testsupport.SesFixtures;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser over every fixture in src/test/resources/ses-events/, each with the fields it must yield. Plain JUnit. */
class SesRecordParserTest {

    private static final Instant MAIL_TIME = Instant.parse("2026-03-04T05:06:00Z");
    private static final Instant EVENT_TIME = Instant.parse("2026-03-04T05:06:07.089Z");

    /** type, whether the event has its own time (else the mail's), and the human reason. */
    private record Expected(SesEventType type, boolean ownTime, String statusReason) {
    }

    private static final Map<String, Expected> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put("publishing/bounce-permanent.json", new Expected(SesEventType.BOUNCE, true, "Permanent/General: smtp; 550 5.1.1 user unknown"));
        EVENTS.put("publishing/bounce-transient.json", new Expected(SesEventType.BOUNCE, true, null));
        EVENTS.put("publishing/click.json", new Expected(SesEventType.CLICK, true, null));
        EVENTS.put("publishing/complaint-not-spam.json", new Expected(SesEventType.COMPLAINT, true, "complaint: not-spam"));
        EVENTS.put("publishing/complaint.json", new Expected(SesEventType.COMPLAINT, true, "complaint: abuse"));
        EVENTS.put("publishing/delivery-delay.json", new Expected(SesEventType.DELIVERY_DELAY, true, null));
        EVENTS.put("publishing/delivery.json", new Expected(SesEventType.DELIVERY, true, null));
        EVENTS.put("publishing/open.json", new Expected(SesEventType.OPEN, true, null));
        EVENTS.put("publishing/reject.json", new Expected(SesEventType.REJECT, false, "rejected: Bad content"));
        EVENTS.put("publishing/rendering-failure.json", new Expected(SesEventType.RENDERING_FAILURE, false, null));
        EVENTS.put("publishing/send.json", new Expected(SesEventType.SEND, false, null));
        EVENTS.put("publishing/subscription-topic-change.json", new Expected(SesEventType.SUBSCRIPTION, true, null));
        EVENTS.put("publishing/subscription-unsubscribe-all.json", new Expected(SesEventType.SUBSCRIPTION, true, null));
        EVENTS.put("notification/bounce-permanent.json", new Expected(SesEventType.BOUNCE, true, null));
        EVENTS.put("notification/bounce-transient.json", new Expected(SesEventType.BOUNCE, true, null));
        EVENTS.put("notification/complaint.json", new Expected(SesEventType.COMPLAINT, true, null));
        EVENTS.put("notification/delivery.json", new Expected(SesEventType.DELIVERY, true, null));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SesRecordParser parser = new SesRecordParser(JSON);

    private static SesFixtures.Event fixture(String path) {
        return SesFixtures.event(path).messageId("m-1").recipient("Someone <A@Example.com>").mailTimestamp(MAIL_TIME).eventTimestamp(EVENT_TIME)
                .campaignId("c-1").customerId("u-1").userId("user-1").reportType("1");
    }

    private SesEvent parsed(String body) {
        ParsedInput input = parser.parse(body);
        assertThat(input).isInstanceOf(ParsedInput.Event.class);
        return ((ParsedInput.Event) input).event();
    }

    @Test
    void everyEventFixtureIsCovered() {
        List<String> all = new java.util.ArrayList<>(SesFixtures.publishingFixtures());
        all.addAll(SesFixtures.notificationFixtures());
        assertThat(EVENTS.keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(MalformedReasons.BY_FIXTURE.keySet()).containsExactlyInAnyOrderElementsOf(SesFixtures.malformedCorpus().keySet());
    }

    @Test
    void everyRawRecordYieldsItsFields() {
        EVENTS.forEach((path, expected) -> {
            SesEvent event = parsed(fixture(path).raw());
            assertThat(event.type()).as(path).isEqualTo(expected.type());
            assertThat(event.sesMessageId()).as(path).isEqualTo("m-1");
            assertThat(event.recipients()).as(path).containsExactly("a@example.com");
            assertThat(event.mailTimestamp()).as(path).isEqualTo(MAIL_TIME);
            assertThat(event.eventTime()).as(path).isEqualTo(expected.ownTime() ? EVENT_TIME : MAIL_TIME);
            assertThat(event.dedupeKey()).as(path).startsWith("ev:").hasSize(3 + 64);
            assertThat(event.envelope()).as(path).isNull();
            assertThat(event.header("user_id")).as(path).isEqualTo("user-1");
            if (expected.statusReason() != null) {
                assertThat(event.statusReason()).as(path).isEqualTo(expected.statusReason());
            }
        });
    }

    @Test
    void publishingRecordsCarryTheCampaignAndCustomerTags() {
        for (String path : SesFixtures.publishingFixtures()) {
            SesEvent event = parsed(fixture(path).raw());
            assertThat(event.tag(SesEvent.TAG_CAMPAIGN)).as(path).isEqualTo("c-1");
            assertThat(event.tag(SesEvent.TAG_CUSTOMER)).as(path).isEqualTo("u-1");
        }
    }

    @Test
    void theRefinementsOfEachFixture() {
        assertThat(parsed(fixture("publishing/bounce-permanent.json").raw()).isPermanentBounce()).isTrue();
        assertThat(parsed(fixture("notification/bounce-permanent.json").raw()).isPermanentBounce()).isTrue();
        assertThat(parsed(fixture("publishing/bounce-transient.json").raw()).isTransientBounce()).isTrue();
        assertThat(parsed(fixture("notification/bounce-transient.json").raw()).isTransientBounce()).isTrue();
        assertThat(parsed(fixture("publishing/complaint-not-spam.json").raw()).isNotSpamFeedback()).isTrue();
        assertThat(parsed(fixture("publishing/complaint.json").raw()).isNotSpamFeedback()).isFalse();
        assertThat(parsed(fixture("publishing/subscription-unsubscribe-all.json").raw()).isUnsubscribeAll()).isTrue();
        assertThat(parsed(fixture("publishing/subscription-topic-change.json").raw()).isUnsubscribeAll()).isFalse();
    }

    @Test
    void anSnsEnvelopeKeepsItsFieldsAndTheEventsOwnKey() throws Exception {
        for (String path : EVENTS.keySet()) {
            SesEvent event = parsed(fixture(path).inSnsEnvelope("sns-" + path));
            assertThat(event.dedupeKey()).as(path).isEqualTo(parsed(fixture(path).raw()).dedupeKey());
            assertThat(event.envelope().type()).isEqualTo("Notification");
            assertThat(event.envelope().isSns()).isTrue();
            assertThat(event.envelope().messageId()).isEqualTo("sns-" + path);
            assertThat(event.type()).as(path).isEqualTo(EVENTS.get(path).type());
            assertThat(JSON.readTree(event.record())).as(path).isEqualTo(JSON.readTree(fixture(path).raw()));
        }
    }

    @Test
    void everyEventBridgeFixtureYieldsTheFieldsAndKeyOfItsPublishingRecord() throws Exception {
        assertThat(SesFixtures.eventBridgeFixtures()).hasSameSizeAs(SesFixtures.publishingFixtures());
        for (String path : SesFixtures.eventBridgeFixtures()) {
            String publishing = path.replace("eventbridge/", "publishing/");
            SesEvent event = parsed(fixture(path).eventBridgeId("eb-1").raw());
            SesEvent raw = parsed(fixture(publishing).raw());
            assertThat(event.type()).as(path).isEqualTo(EVENTS.get(publishing).type());
            assertThat(event.dedupeKey()).as(path).isEqualTo(raw.dedupeKey());
            assertThat(event.recipients()).as(path).containsExactly("a@example.com");
            assertThat(event.eventTime()).as(path).isEqualTo(raw.eventTime());
            assertThat(event.tag(SesEvent.TAG_CAMPAIGN)).as(path).isEqualTo("c-1");
            assertThat(event.envelope()).as(path).isEqualTo(SesEvent.Envelope.eventBridge("eb-1",
                    event.type().eventBridgeDetailType(), SesFixtures.sesTimestamp(EVENTS.get(publishing).ownTime() ? EVENT_TIME : MAIL_TIME)));
            assertThat(event.envelope().isSns()).isFalse();
            assertThat(JSON.readTree(event.record())).as(path).isEqualTo(JSON.readTree(fixture(publishing).raw()));
            assertThat(parsed(fixture(publishing).inEventBridge("eb-2")).dedupeKey()).as(path).isEqualTo(raw.dedupeKey());
        }
    }

    @Test
    void anIdentityNotificationAndAConfigurationSetEventForOneFeedbackShareTheKey() {
        for (String type : List.of("bounce-permanent", "bounce-transient", "complaint", "delivery")) {
            String object = type.startsWith("bounce") ? "bounce" : type;
            SesFixtures.Event notification = fixture("notification/" + type + ".json");
            SesFixtures.Event publishing = fixture("publishing/" + type + ".json");
            if (!type.equals("delivery")) {
                notification.field(object, "feedbackId", "fb-1");
                publishing.field(object, "feedbackId", "fb-1");
            }
            assertThat(parsed(notification.raw()).dedupeKey()).as(type).isEqualTo(parsed(publishing.inSnsEnvelope("sns-x")).dedupeKey());
        }
    }

    @Test
    void theLegacyKeyIsWhatVersionsBeforeV8Stored() {
        assertThat(EventIdentity.preV8Key(parsed(fixture("publishing/open.json").inSnsEnvelope("sns-7")))).isEqualTo("sns-7");
        String raw = EventIdentity.preV8Key(parsed(fixture("publishing/open.json").raw()));
        assertThat(raw).startsWith("raw:").hasSize(4 + 64);
        // mail.messageId, type, event time and the sorted recipients, as the old parser hashed them
        assertThat(raw).isEqualTo("raw:" + sha256("m-1\nOpen\n" + EVENT_TIME + "\na@example.com"));
        assertThat(EventIdentity.preV8Key(parsed(fixture("eventbridge/open.json").raw()))).isEqualTo(raw);
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyMalformedFixtureGetsItsReason() {
        SesFixtures.malformedCorpus().forEach((name, body) -> {
            ParsedInput input = parser.parse(body);
            assertThat(input).as(name).isInstanceOf(ParsedInput.Invalid.class);
            assertThat(((ParsedInput.Invalid) input).reason()).as(name).startsWith(MalformedReasons.BY_FIXTURE.get(name));
        });
    }

    @Test
    void snsControlMessagesAreIgnored() {
        assertThat(parser.parse(SesFixtures.load("sns/subscription-confirmation.json"))).isInstanceOf(ParsedInput.Ignored.class);
        assertThat(parser.parse(SesFixtures.load("sns/subscription-succeeded.json"))).isInstanceOf(ParsedInput.Ignored.class);
        assertThat(parser.parse(SesFixtures.load("sns/topic-validation.json"))).isInstanceOf(ParsedInput.Ignored.class);
    }
}
