package org.mailpulse.ses;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The send-slot arithmetic of SendRateLimiter. Plain JUnit. */
class SendSlotsTest {

    @Test
    void slotsAreSpacedSoNoSecondHoldsMoreThanMaxRateStarts() {
        assertThat(SendRateLimiter.spacingMicros(1)).isEqualTo(1_200_000);
        assertThat(SendRateLimiter.spacingMicros(14)).isEqualTo(85_714);
        assertThat(SendRateLimiter.spacingMicros(40)).isEqualTo(30_000);
        assertThat(SendRateLimiter.spacingMicros(0)).as("a rate below 1 is taken as 1").isEqualTo(1_200_000);
        for (int rate : new int[]{1, 7, 14, 40, 200}) {
            long spacing = SendRateLimiter.spacingMicros(rate);
            // rate + 1 consecutive starts span more than one second
            assertThat(rate * spacing).as("rate %d", rate).isGreaterThan(1_000_000);
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
    void aCallUpToAQuarterOfTheMarginLateIsStillInItsSlot() {
        long due = 1_000_000_000L;
        assertThat(SendRateLimiter.inSlot(due, due - 1)).isTrue();
        assertThat(SendRateLimiter.inSlot(due, due + 50_000_000L)).isTrue();
        assertThat(SendRateLimiter.inSlot(due, due + 50_000_001L)).isFalse();
    }
}
