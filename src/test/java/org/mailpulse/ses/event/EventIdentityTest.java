package org.mailpulse.ses.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.testsupport.SesFixtures;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Each type's key: what changes it and what does not. Plain JUnit over the documentation fixtures. */
class EventIdentityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SesRecordParser PARSER = new SesRecordParser(JSON);
    private static final Instant TIME = Instant.parse("2026-05-06T07:08:09.010Z");

    private static SesFixtures.Event fixture(String name) {
        return SesFixtures.event("publishing/" + name + ".json").messageId("m-1").recipient("a@example.com")
                .mailTimestamp(TIME.minusSeconds(60)).eventTimestamp(TIME);
    }

    private static String key(SesFixtures.Event event) {
        return key(event.raw());
    }

    private static String key(String body) {
        ParsedInput parsed = PARSER.parse(body);
        assertThat(parsed).isInstanceOf(ParsedInput.Event.class);
        return ((ParsedInput.Event) parsed).event().dedupeKey();
    }

    /** The key of the fixture with one string field of its type's object set to another value. */
    private static String keyWith(String name, String object, String field, String value) {
        return key(fixture(name).field(object, field, value));
    }

    @Test
    void aKeyIsEvAndAHexSha256() {
        assertThat(key(fixture("open"))).matches("ev:[0-9a-f]{64}");
    }

    @Test
    void everyTypeHasItsOwnKeyForOneMessage() {
        List<String> keys = SesFixtures.publishingFixtures().stream()
                .filter(p -> !p.contains("not-spam") && !p.contains("transient") && !p.contains("topic-change"))
                .map(p -> key(SesFixtures.event(p).messageId("m-1").eventTimestamp(TIME).mailTimestamp(TIME))).toList();
        assertThat(keys).hasSize(10).doesNotHaveDuplicates();
    }

    @Test
    void theMessageIdIsPartOfEveryKey() {
        for (String path : SesFixtures.publishingFixtures()) {
            assertThat(key(SesFixtures.event(path).messageId("m-1"))).as(path).isNotEqualTo(key(SesFixtures.event(path).messageId("m-2")));
        }
    }

    @Test
    void bouncesAndComplaintsAreTheirFeedbackId() {
        String bounce = key(fixture("bounce-permanent"));
        assertThat(keyWith("bounce-permanent", "bounce", "feedbackId", "other")).isNotEqualTo(bounce);
        // SES's id of the feedback says it all: a later copy with another time or diagnostic is the same bounce
        assertThat(key(fixture("bounce-permanent").eventTimestamp(TIME.plusSeconds(5)))).isEqualTo(bounce);
        assertThat(keyWith("bounce-permanent", "bounce", "reportingMTA", "dsn; other.example.com")).isEqualTo(bounce);
        String complaint = key(fixture("complaint"));
        assertThat(keyWith("complaint", "complaint", "feedbackId", "other")).isNotEqualTo(complaint);
        assertThat(keyWith("complaint", "complaint", "userAgent", "Other/1.0")).isEqualTo(complaint);
    }

    @Test
    void aBounceWithoutFeedbackIdIsItsTimeAndRecipients() {
        String blank = keyWith("bounce-transient", "bounce", "feedbackId", "");
        assertThat(blank).isNotEqualTo(key(fixture("bounce-transient")));
        assertThat(key(fixture("bounce-transient").field("bounce", "feedbackId", "").field("bounce", "reportingMTA", "dsn; other"))).isEqualTo(blank);
        assertThat(key(fixture("bounce-transient").field("bounce", "feedbackId", "").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(blank);
        assertThat(key(fixture("bounce-transient").field("bounce", "feedbackId", "").recipient("b@example.com"))).isNotEqualTo(blank);
    }

    @Test
    void deliveriesAreTheirTimeAndRecipients() {
        String delivery = key(fixture("delivery"));
        assertThat(key(fixture("delivery").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(delivery);
        assertThat(key(fixture("delivery").recipient("b@example.com"))).isNotEqualTo(delivery);
        assertThat(keyWith("delivery", "delivery", "smtpResponse", "250 other")).isEqualTo(delivery);
    }

    @Test
    void sendAndRejectAreTheMessageAlone() {
        assertThat(key(fixture("send").mailTimestamp(TIME.plusSeconds(1)))).isEqualTo(key(fixture("send")));
        assertThat(keyWith("reject", "reject", "reason", "Other")).isEqualTo(key(fixture("reject")));
    }

    @Test
    void aRenderingFailureIsItsErrorMessage() {
        String failure = key(fixture("rendering-failure"));
        assertThat(keyWith("rendering-failure", "failure", "errorMessage", "Attribute 'x' is not present")).isNotEqualTo(failure);
        assertThat(keyWith("rendering-failure", "failure", "templateName", "Other")).isEqualTo(failure);
    }

    @Test
    void aDeliveryDelayIsItsTimeTypeAndRecipients() {
        String delay = key(fixture("delivery-delay"));
        assertThat(key(fixture("delivery-delay").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(delay);
        assertThat(keyWith("delivery-delay", "deliveryDelay", "delayType", "MailboxFull")).isNotEqualTo(delay);
        assertThat(key(fixture("delivery-delay").recipient("b@example.com"))).isNotEqualTo(delay);
        assertThat(keyWith("delivery-delay", "deliveryDelay", "expirationTime", "2026-06-01T00:00:00.000Z")).isEqualTo(delay);
    }

    @Test
    void twoOpensDifferInTimeAddressOrAgent() {
        String open = key(fixture("open"));
        assertThat(key(fixture("open"))).isEqualTo(open);
        assertThat(key(fixture("open").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(open);
        assertThat(keyWith("open", "open", "ipAddress", "198.51.100.7")).isNotEqualTo(open);
        assertThat(keyWith("open", "open", "userAgent", "Other/1.0")).isNotEqualTo(open);
    }

    @Test
    void twoClicksDifferInTimeLinkAddressOrAgent() {
        String click = key(fixture("click"));
        assertThat(key(fixture("click").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(click);
        assertThat(keyWith("click", "click", "link", "https://example.com/other")).isNotEqualTo(click);
        assertThat(keyWith("click", "click", "ipAddress", "198.51.100.7")).isNotEqualTo(click);
        assertThat(keyWith("click", "click", "userAgent", "Other/1.0")).isNotEqualTo(click);
    }

    @Test
    void aSubscriptionIsItsTimeListAndNewPreferencesInAnyKeyOrder() throws Exception {
        String change = key(fixture("subscription-topic-change"));
        assertThat(key(fixture("subscription-topic-change").eventTimestamp(TIME.plusMillis(1)))).isNotEqualTo(change);
        assertThat(keyWith("subscription-topic-change", "subscription", "contactList", "Other")).isNotEqualTo(change);
        assertThat(key(fixture("subscription-unsubscribe-all"))).isNotEqualTo(change);
        assertThat(keyWith("subscription-topic-change", "subscription", "source", "ManageSubscriptionsPage")).isEqualTo(change);
        String reordered = reorderedPreferences(fixture("subscription-topic-change").raw());
        assertThat(reordered).isNotEqualTo(fixture("subscription-topic-change").raw());
        assertThat(key(reordered)).isEqualTo(change);
    }

    @Test
    void timesAreComparedAsInstantsNotAsText() {
        SesFixtures.Event whole = SesFixtures.event("publishing/open.json").messageId("m-1").eventTimestamp("2026-05-06T07:08:09Z");
        SesFixtures.Event millis = SesFixtures.event("publishing/open.json").messageId("m-1").eventTimestamp("2026-05-06T07:08:09.000Z");
        assertThat(key(whole)).isEqualTo(key(millis));
    }

    @Test
    void recipientsAreComparedAsASet() throws Exception {
        UnaryOperator<String> twoRecipients = body -> body.replace("\"recipients\": [\n      \"a@example.com\"\n    ]",
                "\"recipients\": [\"a@example.com\", \"b@example.com\"]");
        String ab = twoRecipients.apply(fixture("delivery").raw());
        String ba = ab.replace("[\"a@example.com\", \"b@example.com\"]", "[\"b@example.com\", \"a@example.com\"]");
        assertThat(ab).contains("b@example.com");
        assertThat(ba).isNotEqualTo(ab);
        assertThat(key(ba)).isEqualTo(key(ab)).isNotEqualTo(key(fixture("delivery")));
    }

    @Test
    void partsAreLengthPrefixedSoValuesCannotImitateABoundary() {
        assertThat(keyWith("click", "click", "link", "https://a/;5:x"))
                .isNotEqualTo(key(fixture("click").field("click", "link", "https://a/").field("click", "ipAddress", "x")));
    }

    @Test
    void canonicalJsonSortsKeysAndKeepsArrayOrder() throws Exception {
        JsonNode a = JSON.readTree("{\"b\":[2,1],\"a\":{\"y\":\"1\",\"x\":null}}");
        JsonNode b = JSON.readTree("{\"a\":{\"x\":null,\"y\":\"1\"},\"b\":[2,1]}");
        assertThat(EventIdentity.canonical(a)).isEqualTo(EventIdentity.canonical(b)).isEqualTo("{\"a\":{\"x\":null,\"y\":\"1\"},\"b\":[2,1]}");
        assertThat(EventIdentity.canonical(JSON.readTree("{\"b\":[1,2]}"))).isNotEqualTo(EventIdentity.canonical(JSON.readTree("{\"b\":[2,1]}")));
    }

    private static String reorderedPreferences(String body) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(body);
        com.fasterxml.jackson.databind.node.ObjectNode subscription = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("subscription");
        JsonNode preferences = subscription.get("newTopicPreferences");
        com.fasterxml.jackson.databind.node.ObjectNode reversed = JSON.createObjectNode();
        reversed.set("topicSubscriptionStatus", preferences.get("topicSubscriptionStatus"));
        reversed.set("unsubscribeAll", preferences.get("unsubscribeAll"));
        subscription.set("newTopicPreferences", reversed);
        return JSON.writeValueAsString(root);
    }
}
