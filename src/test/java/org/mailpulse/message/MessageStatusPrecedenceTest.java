package org.mailpulse.message;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailpulse.message.MessageStatus.*;

/** The one precedence order, checked on every pair. */
class MessageStatusPrecedenceTest {

    private static final Set<MessageStatus> ENGAGEMENT = EnumSet.of(DELIVERED, OPENED, CLICKED);

    /** The precedence, lowest first, written out: the expectation does not come from the enum itself. */
    private static final List<MessageStatus> PRECEDENCE = List.of(CREATED, SCHEDULED, READY_TO_SEND, SENDING, SUPPRESSED, SENT,
            FAILED, REJECTED, DELIVERED, OPENED, CLICKED, BOUNCED, UNSUBSCRIBED, COMPLAINED);

    @Test
    void theStoredRanksAreTheOnesInTheDatabase() {
        assertThat(PRECEDENCE).containsExactlyInAnyOrder(values());
        for (int i = 0; i < PRECEDENCE.size(); i++) {
            assertThat(PRECEDENCE.get(i).rank()).as("status_rank of %s", PRECEDENCE.get(i)).isEqualTo(i);
        }
    }

    @Test
    void higherIsSymmetricAndPicksTheLaterInThePrecedenceForEveryPair() {
        for (MessageStatus a : values()) {
            for (MessageStatus b : values()) {
                MessageStatus expected = PRECEDENCE.indexOf(a) >= PRECEDENCE.indexOf(b) ? a : b;
                assertThat(MessageStatus.higher(a, b)).as("%s vs %s", a, b).isEqualTo(expected);
                assertThat(MessageStatus.higher(b, a)).as("%s vs %s", b, a).isEqualTo(expected);
                assertThat(a.outranks(b) && b.outranks(a)).isFalse();
                if (a != b) {
                    assertThat(a.outranks(b) || b.outranks(a)).as("%s and %s are ordered", a, b).isTrue();
                }
            }
        }
    }

    @Test
    void complaintOutranksEverything() {
        for (MessageStatus other : values()) {
            if (other != COMPLAINED) {
                assertThat(COMPLAINED.outranks(other)).as("COMPLAINED over %s", other).isTrue();
            }
        }
    }

    @Test
    void bounceAndUnsubscribeOutrankEngagementWhichIsMonotonic() {
        for (MessageStatus engagement : ENGAGEMENT) {
            assertThat(BOUNCED.outranks(engagement)).isTrue();
            assertThat(UNSUBSCRIBED.outranks(engagement)).isTrue();
        }
        assertThat(OPENED.outranks(DELIVERED)).isTrue();
        assertThat(CLICKED.outranks(OPENED)).isTrue();
        assertThat(DELIVERED.outranks(SENT)).isTrue();
    }

    @Test
    void theSendingLifecycleComesBeforeEveryEventOutcome() {
        for (MessageStatus pending : EnumSet.of(CREATED, SCHEDULED, READY_TO_SEND, SENDING)) {
            for (MessageStatus outcome : EnumSet.of(SENT, REJECTED, FAILED, DELIVERED, BOUNCED, COMPLAINED, UNSUBSCRIBED)) {
                assertThat(outcome.outranks(pending)).as("%s over %s", outcome, pending).isTrue();
            }
        }
    }

    @Test
    void nullIsNoStatus() {
        assertThat(MessageStatus.higher(null, SENT)).isEqualTo(SENT);
        assertThat(MessageStatus.higher(OPENED, null)).isEqualTo(OPENED);
    }
}
