package org.mailpulse.message;

/**
 * The statuses of a message (one campaign recipient), with their precedence: the rank. Events only ever move a
 * message to a status of higher rank, so late or repeated events cannot move it backwards. Engagement is
 * monotonic (DELIVERED &lt; OPENED &lt; CLICKED); bounce, unsubscribe and complaint outrank engagement; complaint
 * outranks everything. The rank is stored beside the status ({@code campaign_recipients.status_rank}) so that one
 * UPDATE can compare precedence: a rank changes only together with a migration of that column. Which status each
 * event implies is {@link MessageLifecycle}'s.
 */
public enum MessageStatus {
    CREATED(0),
    SCHEDULED(1),
    READY_TO_SEND(2),
    SENDING(3),
    SUPPRESSED(4),
    SENT(5),
    FAILED(6),
    REJECTED(7),
    DELIVERED(8),
    OPENED(9),
    CLICKED(10),
    BOUNCED(11),
    UNSUBSCRIBED(12),
    COMPLAINED(13);

    private final int rank;

    MessageStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public boolean outranks(MessageStatus other) {
        return rank > other.rank;
    }

    /** The status of higher rank; null only when both are null. */
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
