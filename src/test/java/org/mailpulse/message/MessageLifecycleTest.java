package org.mailpulse.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.message.MessageLifecycle.FirstTime;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.testsupport.SesFixtures;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle over every pair of events, in both orders, against a table written out by hand. Plain JUnit. */
class MessageLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.089Z");

    /** The event kinds, each a fixture: the rows and columns of {@link #AFTER_BOTH}. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("SEND", "publishing/send.json");
        KINDS.put("REJECT", "publishing/reject.json");
        KINDS.put("BOUNCE_HARD", "publishing/bounce-permanent.json");
        KINDS.put("BOUNCE_SOFT", "publishing/bounce-transient.json");
        KINDS.put("COMPLAINT", "publishing/complaint.json");
        KINDS.put("COMPLAINT_NOT_SPAM", "publishing/complaint-not-spam.json");
        KINDS.put("DELIVERY", "publishing/delivery.json");
        KINDS.put("OPEN", "publishing/open.json");
        KINDS.put("CLICK", "publishing/click.json");
        KINDS.put("RENDERING_FAILURE", "publishing/rendering-failure.json");
        KINDS.put("DELIVERY_DELAY", "publishing/delivery-delay.json");
        KINDS.put("TOPIC_CHANGE", "publishing/subscription-topic-change.json");
        KINDS.put("UNSUBSCRIBE_ALL", "publishing/subscription-unsubscribe-all.json");
    }

    /** The status after the row's and the column's event, in either order; "-" = no status implied. */
    private static final List<String> AFTER_BOTH = List.of(
            "SENT   REJ    BOUNCE BOUNCE COMPL  SENT   DELIV  OPEN   CLICK  FAIL   SENT   SENT   UNSUB",  // SEND
            "REJ    REJ    BOUNCE BOUNCE COMPL  REJ    DELIV  OPEN   CLICK  REJ    REJ    REJ    UNSUB",  // REJECT
            "BOUNCE BOUNCE BOUNCE BOUNCE COMPL  BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE UNSUB",  // BOUNCE_HARD
            "BOUNCE BOUNCE BOUNCE BOUNCE COMPL  BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE BOUNCE UNSUB",  // BOUNCE_SOFT
            "COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL  COMPL",  // COMPLAINT
            "SENT   REJ    BOUNCE BOUNCE COMPL  -      DELIV  OPEN   CLICK  FAIL   -      -      UNSUB",  // COMPLAINT_NOT_SPAM
            "DELIV  DELIV  BOUNCE BOUNCE COMPL  DELIV  DELIV  OPEN   CLICK  DELIV  DELIV  DELIV  UNSUB",  // DELIVERY
            "OPEN   OPEN   BOUNCE BOUNCE COMPL  OPEN   OPEN   OPEN   CLICK  OPEN   OPEN   OPEN   UNSUB",  // OPEN
            "CLICK  CLICK  BOUNCE BOUNCE COMPL  CLICK  CLICK  CLICK  CLICK  CLICK  CLICK  CLICK  UNSUB",  // CLICK
            "FAIL   REJ    BOUNCE BOUNCE COMPL  FAIL   DELIV  OPEN   CLICK  FAIL   FAIL   FAIL   UNSUB",  // RENDERING_FAILURE
            "SENT   REJ    BOUNCE BOUNCE COMPL  -      DELIV  OPEN   CLICK  FAIL   -      -      UNSUB",  // DELIVERY_DELAY
            "SENT   REJ    BOUNCE BOUNCE COMPL  -      DELIV  OPEN   CLICK  FAIL   -      -      UNSUB",  // TOPIC_CHANGE
            "UNSUB  UNSUB  UNSUB  UNSUB  COMPL  UNSUB  UNSUB  UNSUB  UNSUB  UNSUB  UNSUB  UNSUB  UNSUB"); // UNSUBSCRIBE_ALL

    private static final Map<String, MessageStatus> CELLS = Map.of("SENT", MessageStatus.SENT, "REJ", MessageStatus.REJECTED,
            "BOUNCE", MessageStatus.BOUNCED, "COMPL", MessageStatus.COMPLAINED, "DELIV", MessageStatus.DELIVERED,
            "OPEN", MessageStatus.OPENED, "CLICK", MessageStatus.CLICKED, "FAIL", MessageStatus.FAILED, "UNSUB", MessageStatus.UNSUBSCRIBED);

    private static final SesRecordParser PARSER = new SesRecordParser(new ObjectMapper());

    private static SesEvent event(String kind, Instant at) {
        String body = SesFixtures.event(KINDS.get(kind)).messageId("m-1").recipient("a@example.com").mailTimestamp(at).eventTimestamp(at)
                .campaignId("c").customerId("u").userId("x").reportType("1").raw();
        return ((ParsedInput.Event) PARSER.parse(body)).event();
    }

    private static MessageLifecycle.Update fold(SesEvent... events) {
        MessageLifecycle.Update update = new MessageLifecycle.Update("m-1");
        for (SesEvent e : events) {
            update.fold(e);
        }
        return update;
    }

    @Test
    void everyPairInBothOrdersEndsInTheTablesStatus() {
        List<String> kinds = List.copyOf(KINDS.keySet());
        for (int row = 0; row < kinds.size(); row++) {
            String[] cells = AFTER_BOTH.get(row).trim().split("\\s+");
            assertThat(cells).hasSize(kinds.size());
            for (int col = 0; col < kinds.size(); col++) {
                MessageStatus expected = CELLS.get(cells[col]);
                SesEvent first = event(kinds.get(row), T0);
                SesEvent second = event(kinds.get(col), T0.plusSeconds(1));
                assertThat(fold(first, second).status()).as("%s then %s", kinds.get(row), kinds.get(col)).isEqualTo(expected);
                assertThat(fold(second, first).status()).as("%s then %s", kinds.get(col), kinds.get(row)).isEqualTo(expected);
            }
        }
    }

    @Test
    void theTableIsSymmetric() {
        for (int row = 0; row < AFTER_BOTH.size(); row++) {
            for (int col = 0; col < AFTER_BOTH.size(); col++) {
                assertThat(AFTER_BOTH.get(row).trim().split("\\s+")[col]).isEqualTo(AFTER_BOTH.get(col).trim().split("\\s+")[row]);
            }
        }
    }

    @Test
    void theReasonAndTimeAreThoseOfTheEventThatSetTheStatus() {
        SesEvent bounce = event("BOUNCE_HARD", T0.plusSeconds(5));
        MessageLifecycle.Update update = fold(event("DELIVERY", T0), bounce, event("OPEN", T0.plusSeconds(9)));
        assertThat(update.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(update.reason()).isEqualTo("Permanent/General: smtp; 550 5.1.1 user unknown");
        assertThat(update.statusTime()).isEqualTo(T0.plusSeconds(5));
        assertThat(update.moves(MessageStatus.SENT)).isTrue();
        assertThat(update.moves(MessageStatus.COMPLAINED)).isFalse();
    }

    @Test
    void aHardBounceStaysHardWhicheverBounceComesFirst() {
        assertThat(fold(event("BOUNCE_HARD", T0), event("BOUNCE_SOFT", T0.plusSeconds(1))).bounceType()).isEqualTo("hard");
        assertThat(fold(event("BOUNCE_SOFT", T0), event("BOUNCE_HARD", T0.plusSeconds(1))).bounceType()).isEqualTo("hard");
        assertThat(fold(event("BOUNCE_SOFT", T0)).bounceType()).isEqualTo("soft");
        assertThat(fold(event("DELIVERY", T0)).bounceType()).isNull();
        assertThat(MessageLifecycle.laterBounceType("hard", "soft")).isEqualTo("hard");
        assertThat(MessageLifecycle.laterBounceType("soft", "hard")).isEqualTo("hard");
        assertThat(MessageLifecycle.laterBounceType(null, "soft")).isEqualTo("soft");
        assertThat(MessageLifecycle.laterBounceType("soft", null)).isEqualTo("soft");
    }

    @Test
    void firstTimesKeepTheEarliestAndCountsCountEveryEvent() {
        MessageLifecycle.Update update = fold(event("OPEN", T0.plusSeconds(3)), event("OPEN", T0), event("CLICK", T0.plusSeconds(4)),
                event("CLICK", T0.plusSeconds(2)), event("OPEN", T0.plusSeconds(8)));
        assertThat(update.firstTime(FirstTime.OPENED)).isEqualTo(T0);
        assertThat(update.firstTime(FirstTime.CLICKED)).isEqualTo(T0.plusSeconds(2));
        assertThat(update.firstTime(FirstTime.DELIVERED)).isNull();
        assertThat(update.opens()).isEqualTo(3);
        assertThat(update.clicks()).isEqualTo(2);
    }

    @Test
    void theFirstTimeColumnOfEachEvent() {
        Map<String, FirstTime> expected = new LinkedHashMap<>();
        expected.put("SEND", FirstTime.SENT);
        expected.put("REJECT", FirstTime.REJECTED);
        expected.put("BOUNCE_HARD", FirstTime.BOUNCED);
        expected.put("BOUNCE_SOFT", FirstTime.BOUNCED);
        expected.put("COMPLAINT", FirstTime.COMPLAINED);
        expected.put("COMPLAINT_NOT_SPAM", null);
        expected.put("DELIVERY", FirstTime.DELIVERED);
        expected.put("OPEN", FirstTime.OPENED);
        expected.put("CLICK", FirstTime.CLICKED);
        expected.put("RENDERING_FAILURE", FirstTime.FAILED);
        expected.put("DELIVERY_DELAY", FirstTime.DELIVERY_DELAYED);
        expected.put("TOPIC_CHANGE", null);
        expected.put("UNSUBSCRIBE_ALL", FirstTime.UNSUBSCRIBED);
        expected.forEach((kind, column) -> assertThat(MessageLifecycle.firstTime(event(kind, T0))).as(kind).isEqualTo(column));
    }
}
