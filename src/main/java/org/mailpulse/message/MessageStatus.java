package org.mailpulse.message;

/**
 * The lifecycle of one campaign recipient (one message), seed 004.
 *
 * <p>The declaration order is the precedence: events only ever move a message to a status of higher rank, so
 * late or repeated events cannot move it backwards. Engagement is monotonic (DELIVERED &lt; OPENED &lt; CLICKED);
 * bounce, unsubscribe and complaint outrank engagement; complaint outranks everything.
 */
public enum MessageStatus {
    CREATED,
    SCHEDULED,
    READY_TO_SEND,
    SENDING,
    SUPPRESSED,
    SENT,
    FAILED,
    REJECTED,
    DELIVERED,
    OPENED,
    CLICKED,
    BOUNCED,
    UNSUBSCRIBED,
    COMPLAINED;

    /** Stored beside the status so that the database can compare precedence in a single UPDATE. */
    public int rank() {
        return ordinal();
    }

    public boolean outranks(MessageStatus other) {
        return rank() > other.rank();
    }

    public static MessageStatus higher(MessageStatus a, MessageStatus b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.outranks(a) ? b : a;
    }
}
