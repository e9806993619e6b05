package org.mailpulse.suppression;

import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.ses.event.SesEventType;

import java.time.Duration;

/**
 * When an address is suppressed, and which reason wins. Four rules suppress an address from SES events:
 * <ul>
 *   <li>a permanent bounce: {@link SuppressionReason#BOUNCE_HARD};</li>
 *   <li>a complaint: {@link SuppressionReason#COMPLAINT}, except one whose feedback type is not-spam, which
 *       suppresses nothing;</li>
 *   <li>a subscription event that unsubscribes from all topics: {@link SuppressionReason#UNSUBSCRIBE};</li>
 *   <li>{@link SoftBounceRule#threshold()} transient bounces within {@link SoftBounceRule#window()} with no
 *       delivery to the address in between: {@link SuppressionReason#BOUNCE_SOFT}.</li>
 * </ul>
 * Whatever suppresses an address (an event, an operator, the unsubscribe link), a weaker reason never replaces a
 * stronger one; the strength order is {@link SuppressionReason#strength()}.
 */
public final class SuppressionPolicy {

    private SuppressionPolicy() {
    }

    /** The soft-bounce rule's thresholds, from {@code mailpulse.suppression.*}. */
    public record SoftBounceRule(int threshold, Duration window) {

        /** Whether this many transient bounces in the window (since the last delivery) suppress the address. */
        public boolean reached(long bouncesInWindow) {
            return bouncesInWindow >= threshold;
        }

        /** The detail stored with a soft-bounce suppression. */
        public String detail() {
            return threshold + " transient bounces within " + window.toDays() + " days";
        }
    }

    /** The reason the event suppresses its recipients for at once, or null when it suppresses no one by itself. */
    public static SuppressionReason reasonFor(SesEvent event) {
        if (event.isPermanentBounce()) {
            return SuppressionReason.BOUNCE_HARD;
        }
        if (event.type() == SesEventType.COMPLAINT && !event.isNotSpamFeedback()) {
            return SuppressionReason.COMPLAINT;
        }
        if (event.isUnsubscribeAll()) {
            return SuppressionReason.UNSUBSCRIBE;
        }
        return null;
    }

    /** A transient bounce counts towards the soft-bounce rule. */
    public static boolean countsTowardsSoftBounces(SesEvent event) {
        return event.isTransientBounce();
    }

    /** A delivery ends the run of soft bounces: only those after an address's last delivery count. */
    public static boolean endsSoftBounces(SesEvent event) {
        return event.type() == SesEventType.DELIVERY;
    }

    /** Whether {@code candidate} replaces a suppression for {@code existing}: only a strictly stronger reason does. */
    public static boolean replaces(SuppressionReason candidate, SuppressionReason existing) {
        return candidate.strength() > existing.strength();
    }
}
