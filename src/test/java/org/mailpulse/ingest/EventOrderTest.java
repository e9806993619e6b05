package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Late and reordered events never move a message backwards: the final state does not depend on arrival order. */
@QuarkusTest
class EventOrderTest {

    private static final Map<String, MessageStatus> STATUS_EVENTS = new LinkedHashMap<>();

    static {
        STATUS_EVENTS.put("publishing/send.json", MessageStatus.SENT);
        STATUS_EVENTS.put("publishing/reject.json", MessageStatus.REJECTED);
        STATUS_EVENTS.put("publishing/rendering-failure.json", MessageStatus.FAILED);
        STATUS_EVENTS.put("publishing/delivery.json", MessageStatus.DELIVERED);
        STATUS_EVENTS.put("publishing/open.json", MessageStatus.OPENED);
        STATUS_EVENTS.put("publishing/click.json", MessageStatus.CLICKED);
        STATUS_EVENTS.put("publishing/bounce-permanent.json", MessageStatus.BOUNCED);
        STATUS_EVENTS.put("publishing/subscription-unsubscribe-all.json", MessageStatus.UNSUBSCRIBED);
        STATUS_EVENTS.put("publishing/complaint.json", MessageStatus.COMPLAINED);
    }

    @Test
    void everyPairOfStatusEventsEndsAtTheHigherStatusInBothOrders() {
        List<String> fixtures = new ArrayList<>(STATUS_EVENTS.keySet());
        UUID campaign = TestData.campaign();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Map<String, MessageStatus> expected = new LinkedHashMap<>();
        for (int i = 0; i < fixtures.size(); i++) {
            for (int j = 0; j < fixtures.size(); j++) {
                if (i == j) {
                    continue;
                }
                SentMessage message = TestData.sentMessage(campaign);
                first.add(body(fixtures.get(i), message, 1));
                second.add(body(fixtures.get(j), message, 2));
                expected.put(message.sesMessageId(), MessageStatus.higher(MessageStatus.SENT,
                        MessageStatus.higher(STATUS_EVENTS.get(fixtures.get(i)), STATUS_EVENTS.get(fixtures.get(j)))));
            }
        }
        Queue.send(first);
        Queue.awaitDrained();
        Queue.send(second);
        Queue.awaitDrained();

        Map<String, Object> actual = new LinkedHashMap<>();
        Db.rows("select ses_message_id, status from campaign_recipients where campaign_id = ?", campaign)
                .forEach(row -> actual.put((String) row.get("ses_message_id"), row.get("status")));
        expected.forEach((id, status) -> assertThat(actual.get(id)).as(id).isEqualTo(status.name()));
        assertThat(actual).hasSize(fixtures.size() * (fixtures.size() - 1));
    }

    @Test
    void aShuffledStreamEndsInTheSameStateAsTheOrderedOne() {
        List<String> life = List.of("publishing/send.json", "publishing/delivery-delay.json", "publishing/delivery.json",
                "publishing/open.json", "publishing/open.json", "publishing/click.json", "publishing/bounce-transient.json",
                "publishing/complaint.json", "publishing/subscription-unsubscribe-all.json");
        UUID ordered = TestData.campaign();
        UUID shuffled = TestData.campaign();
        Random random = new Random(42);
        List<String> inOrder = new ArrayList<>();
        List<String> outOfOrder = new ArrayList<>();
        for (int m = 0; m < 30; m++) {
            SentMessage a = TestData.sentMessage(ordered);
            SentMessage b = TestData.sentMessage(shuffled);
            int length = 3 + random.nextInt(life.size() - 2);
            for (int step = 0; step < length; step++) {
                inOrder.add(body(life.get(step), a, step));
                outOfOrder.add(body(life.get(step), b, step));
            }
        }
        Collections.shuffle(outOfOrder, random);
        Queue.send(inOrder);
        Queue.send(outOfOrder);
        Queue.awaitDrained();

        assertThat(finalState(shuffled)).isEqualTo(finalState(ordered));
    }

    /** Per message, in enrolment order: everything events decide, with times relative to the message's own first event. */
    private static List<String> finalState(UUID campaign) {
        return Db.rows("""
                        select r.status, r.status_reason, r.bounce_type, r.open_count, r.click_count,
                               r.delivered_at - r.sent_at as delivered, r.opened_at - r.sent_at as opened, r.clicked_at - r.sent_at as clicked,
                               r.bounced_at - r.sent_at as bounced, r.complained_at - r.sent_at as complained,
                               r.unsubscribed_at - r.sent_at as unsubscribed,
                               (select count(*) from email_events_op e where e.ses_message_id = r.ses_message_id) as events,
                               (select s.reason from suppression_list s where s.email = r.email) as suppression
                        from campaign_recipients r where r.campaign_id = ? order by r.created_at, r.email""", campaign)
                .stream().map(Object::toString).toList();
    }

    private static final Instant BASE = Instant.parse("2026-11-20T10:00:00Z");

    /** Step n of a message's life happens n minutes after its mail time; each body has its own SNS id. */
    private static String body(String fixture, SentMessage message, int step) {
        Instant at = BASE.plusSeconds(60L * step);
        return SesFixtures.event(fixture).messageId(message.sesMessageId()).recipient(message.email())
                .mailTimestamp(BASE).eventTimestamp(at)
                .campaignId(message.campaignId().toString()).customerId(message.customerId().toString())
                .inSnsEnvelope("sns-" + UUID.randomUUID());
    }
}
