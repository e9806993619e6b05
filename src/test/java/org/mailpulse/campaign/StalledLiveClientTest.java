package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.message.live.StatusFeed;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live subscriber that stops reading is cut off once its buffer overflows; the others get every change and
 * ingestion goes on at its pace. (The endpoint turns the cut-off into the end of that client's SSE response.)
 */
@QuarkusTest
class StalledLiveClientTest {

    @Inject
    StatusFeed feed;

    @Test
    void aStalledSubscriberIsDroppedWhileOthersAndIngestionCarryOn() {
        UUID campaign = TestData.campaign();
        int changes = 1_500; // more than a subscriber's buffer of 1,000
        Db.update("""
                with c as (insert into customers (customer_id, email)
                           select gen_random_uuid(), 'live-' || gen_random_uuid() || '@example.com' from generate_series(1, ?) returning customer_id, email)
                insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, sent_at)
                select ?, customer_id, email, 'SENT', 5, 'live-' || gen_random_uuid(), now() from c
                """, changes, campaign);

        AssertSubscriber<StatusFeed.StatusChanged> stalled = feed.of(campaign).subscribe().withSubscriber(AssertSubscriber.create(0));
        AssertSubscriber<StatusFeed.StatusChanged> reading = feed.of(campaign).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

        // One commit, 1,500 status changes announced by the trigger.
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where campaign_id = ?", campaign);

        reading.awaitItems(changes, Duration.ofSeconds(30));
        stalled.awaitFailure(Duration.ofSeconds(30));
        assertThat(stalled.getItems()).isEmpty();

        // Ingestion is not held back by the stalled subscriber.
        List<String> bodies = new ArrayList<>();
        List<SentMessage> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SentMessage m = TestData.sentMessage(campaign);
            messages.add(m);
            bodies.add(SesFixtures.event("publishing/open.json").messageId(m.sesMessageId()).recipient(m.email())
                    .inSnsEnvelope("sns-" + UUID.randomUUID()));
        }
        Queue.send(bodies);
        Queue.awaitDrained(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> reading.getItems().size() == changes + messages.size());
        reading.cancel();
    }
}
