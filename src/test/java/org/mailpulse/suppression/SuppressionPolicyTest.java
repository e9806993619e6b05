package org.mailpulse.suppression;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.testsupport.SesFixtures;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailpulse.suppression.SuppressionReason.*;

/** Each suppression rule, the soft-bounce thresholds, the strength order and the not-spam exception. Plain JUnit. */
class SuppressionPolicyTest {

    private static final SesRecordParser PARSER = new SesRecordParser(new ObjectMapper());

    private static SesEvent event(String fixture) {
        String body = SesFixtures.event(fixture).messageId("m-1").recipient("a@example.com").campaignId("c").customerId("u")
                .userId("x").reportType("1").raw();
        return ((ParsedInput.Event) PARSER.parse(body)).event();
    }

    @Test
    void theEventsThatSuppressAtOnce() {
        assertThat(SuppressionPolicy.reasonFor(event("publishing/bounce-permanent.json"))).isEqualTo(BOUNCE_HARD);
        assertThat(SuppressionPolicy.reasonFor(event("notification/bounce-permanent.json"))).isEqualTo(BOUNCE_HARD);
        assertThat(SuppressionPolicy.reasonFor(event("publishing/complaint.json"))).isEqualTo(COMPLAINT);
        assertThat(SuppressionPolicy.reasonFor(event("notification/complaint.json"))).isEqualTo(COMPLAINT);
        assertThat(SuppressionPolicy.reasonFor(event("publishing/subscription-unsubscribe-all.json"))).isEqualTo(UNSUBSCRIBE);
    }

    @Test
    void notSpamFeedbackAndRoutineEventsSuppressNoOne() {
        for (String fixture : List.of("publishing/complaint-not-spam.json", "publishing/subscription-topic-change.json",
                "publishing/bounce-transient.json", "publishing/delivery.json", "publishing/delivery-delay.json", "publishing/send.json",
                "publishing/open.json", "publishing/click.json", "publishing/reject.json", "publishing/rendering-failure.json")) {
            assertThat(SuppressionPolicy.reasonFor(event(fixture))).as(fixture).isNull();
        }
    }

    @Test
    void onlyTransientBouncesCountAndOnlyDeliveriesEndTheRun() {
        assertThat(SuppressionPolicy.countsTowardsSoftBounces(event("publishing/bounce-transient.json"))).isTrue();
        assertThat(SuppressionPolicy.countsTowardsSoftBounces(event("notification/bounce-transient.json"))).isTrue();
        assertThat(SuppressionPolicy.countsTowardsSoftBounces(event("publishing/bounce-permanent.json"))).isFalse();
        assertThat(SuppressionPolicy.countsTowardsSoftBounces(event("publishing/delivery-delay.json"))).isFalse();
        assertThat(SuppressionPolicy.endsSoftBounces(event("publishing/delivery.json"))).isTrue();
        assertThat(SuppressionPolicy.endsSoftBounces(event("notification/delivery.json"))).isTrue();
        assertThat(SuppressionPolicy.endsSoftBounces(event("publishing/open.json"))).isFalse();
        assertThat(SuppressionPolicy.endsSoftBounces(event("publishing/bounce-transient.json"))).isFalse();
    }

    @Test
    void theSoftBounceThreshold() {
        SuppressionPolicy.SoftBounceRule rule = new SuppressionPolicy.SoftBounceRule(3, Duration.ofDays(7));
        assertThat(rule.reached(0)).isFalse();
        assertThat(rule.reached(2)).isFalse();
        assertThat(rule.reached(3)).isTrue();
        assertThat(rule.reached(4)).isTrue();
        assertThat(rule.detail()).isEqualTo("3 transient bounces within 7 days");
        assertThat(new SuppressionPolicy.SoftBounceRule(1, Duration.ofDays(30)).reached(1)).isTrue();
    }

    @Test
    void aWeakerReasonNeverReplacesAStrongerOne() {
        List<SuppressionReason> weakestFirst = List.of(BOUNCE_SOFT, UNSUBSCRIBE, MANUAL, BOUNCE_HARD, COMPLAINT);
        assertThat(weakestFirst).containsExactlyInAnyOrder(values());
        for (int i = 0; i < weakestFirst.size(); i++) {
            assertThat(weakestFirst.get(i).strength()).as("reason_rank of %s", weakestFirst.get(i)).isEqualTo(i);
            for (int j = 0; j < weakestFirst.size(); j++) {
                assertThat(SuppressionPolicy.replaces(weakestFirst.get(i), weakestFirst.get(j)))
                        .as("%s replaces %s", weakestFirst.get(i), weakestFirst.get(j)).isEqualTo(i > j);
            }
        }
    }
}
