package org.mailpulse.ses;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The send-slot arithmetic of SendRateLimiter. Plain JUnit. */
class SendSlotsTest {

    @Test
    void slotsAreSpacedSoNoSecondHoldsMoreThanMaxRateStarts() {
        assertThat(SendRateLimiter.spacingMicros(1)).isEqualTo(1_045_000);
        assertThat(SendRateLimiter.spacingMicros(14)).isEqualTo(74_642);
        assertThat(SendRateLimiter.spacingMicros(40)).isEqualTo(26_125);
        assertThat(SendRateLimiter.spacingMicros(0)).as("a rate below 1 is taken as 1").isEqualTo(1_045_000);
        for (int rate : new int[]{1, 7, 14, 40, 200}) {
            long spacing = SendRateLimiter.spacingMicros(rate);
            // rate + 1 consecutive starts span more than one second by more than the lateness a call may have
            assertThat(rate * spacing - 1_000_000).as("rate %d", rate).isGreaterThan(SendRateLimiter.LATE_TOLERANCE.toNanos() / 1000);
            // and the schedule gives away less than 5 % of the rate
            assertThat(1e6 / spacing).as("slots per second at rate %d", rate).isGreaterThan(rate * 0.95);
        }
    }

    @Test
    void aSlotIsDueAtItsIndexButNeverDuringAPause() {
        long first = 1_000_000_000L;
        assertThat(SendRateLimiter.dueNanos(first, 0, 30_000, 0)).isEqualTo(first);
        assertThat(SendRateLimiter.dueNanos(first, 3, 30_000, 0)).isEqualTo(first + 90_000_000L);
        assertThat(SendRateLimiter.dueNanos(first, 3, 30_000, first + 500_000_000L)).isEqualTo(first + 500_000_000L);
    }

    @Test
    void theTimerRoundsUpToWholeMilliseconds() {
        assertThat(SendRateLimiter.waitMillis(10_000_000, 10_000_000)).isZero();
        assertThat(SendRateLimiter.waitMillis(10_000_001, 10_000_000)).isEqualTo(1);
        assertThat(SendRateLimiter.waitMillis(12_000_000, 10_000_000)).isEqualTo(2);
        assertThat(SendRateLimiter.waitMillis(12_000_001, 10_000_000)).isEqualTo(3);
        assertThat(SendRateLimiter.waitMillis(5_000_000, 10_000_000)).isLessThanOrEqualTo(0);
    }

    @Test
    void aCallUpToTheToleranceLateIsStillInItsSlot() {
        long due = 1_000_000_000L;
        assertThat(SendRateLimiter.inSlot(due, due - 1)).isTrue();
        assertThat(SendRateLimiter.inSlot(due, due + 15_000_000L)).isTrue();
        assertThat(SendRateLimiter.inSlot(due, due + 15_000_001L)).isFalse();
    }

    @Test
    void theDatabaseClockKeepsTheRoundTripWithTheLeastError() {
        DatabaseClock clock = new DatabaseClock();
        long second = 1_000_000_000L;
        // database clock = local clock + 5 s; a 10 ms round trip, then a 2 ms one, then a 40 ms one
        clock.sample(second, second + 10_000_000L, (second + 5_000_000L) / 1000 + 5_000_000L);
        assertThat(clock.localNanos(7_000_000L)).isEqualTo((7_000_000L - 5_000_000L) * 1000);
        clock.sample(2 * second, 2 * second + 2_000_000L, (2 * second + 1_000_000L) / 1000 + 5_000_000L + 300);
        assertThat(clock.currentError(2 * second + 2_000_000L)).isEqualTo(1_000);
        long mapped = clock.localNanos(7_000_000L);
        clock.sample(3 * second, 3 * second + 40_000_000L, (3 * second + 20_000_000L) / 1000 + 5_000_000L + 15_000);
        assertThat(clock.localNanos(7_000_000L)).as("the slow round trip is not taken").isEqualTo(mapped);
        // a thousand seconds later the kept mapping's error has grown past the slow one's
        long later = 1_002 * second;
        clock.sample(later, later + 40_000_000L, (later + 20_000_000L) / 1000 + 5_000_000L + 15_000);
        assertThat(clock.localNanos(7_000_000L)).isEqualTo(mapped - 14_700_000L);
    }
}
