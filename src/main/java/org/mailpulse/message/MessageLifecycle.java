package org.mailpulse.message;

import org.mailpulse.ses.event.SesEvent;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The message lifecycle: which status each SES event implies, which first-time column it sets, how a bounce marks
 * the message, and the fold of all events of one message in a batch into one update. The precedence of the
 * statuses is {@link MessageStatus#rank()}; the database executes what the fold decided.
 */
public final class MessageLifecycle {

    /** The stored bounce type ({@code campaign_recipients.bounce_type}) of a permanent bounce; it is never replaced. */
    public static final String HARD_BOUNCE = "hard";
    /** The stored bounce type of any other bounce; a later hard bounce replaces it. */
    public static final String SOFT_BOUNCE = "soft";

    /** The time columns an event can set, one per event kind; each keeps the earliest time. */
    public enum FirstTime {
        SENT, DELIVERED, OPENED, CLICKED, BOUNCED, COMPLAINED, REJECTED, FAILED, DELIVERY_DELAYED, UNSUBSCRIBED
    }

    private MessageLifecycle() {
    }

    /**
     * The status the event moves a message to, or null when it moves none: a delivery delay, a topic change that is
     * not an unsubscribe from all topics, and a complaint with not-spam feedback.
     */
    public static MessageStatus impliedStatus(SesEvent event) {
        return switch (event.type()) {
            case SEND -> MessageStatus.SENT;
            case REJECT -> MessageStatus.REJECTED;
            case BOUNCE -> MessageStatus.BOUNCED;
            case COMPLAINT -> event.isNotSpamFeedback() ? null : MessageStatus.COMPLAINED;
            case DELIVERY -> MessageStatus.DELIVERED;
            case OPEN -> MessageStatus.OPENED;
            case CLICK -> MessageStatus.CLICKED;
            case RENDERING_FAILURE -> MessageStatus.FAILED;
            case DELIVERY_DELAY -> null;
            case SUBSCRIPTION -> event.isUnsubscribeAll() ? MessageStatus.UNSUBSCRIBED : null;
        };
    }

    /** The first-time column the event sets, or null where it implies nothing (not-spam feedback, a topic change). */
    public static FirstTime firstTime(SesEvent event) {
        return switch (event.type()) {
            case SEND -> FirstTime.SENT;
            case DELIVERY -> FirstTime.DELIVERED;
            case OPEN -> FirstTime.OPENED;
            case CLICK -> FirstTime.CLICKED;
            case BOUNCE -> FirstTime.BOUNCED;
            case COMPLAINT -> event.isNotSpamFeedback() ? null : FirstTime.COMPLAINED;
            case REJECT -> FirstTime.REJECTED;
            case RENDERING_FAILURE -> FirstTime.FAILED;
            case DELIVERY_DELAY -> FirstTime.DELIVERY_DELAYED;
            case SUBSCRIPTION -> event.isUnsubscribeAll() ? FirstTime.UNSUBSCRIBED : null;
        };
    }

    /** hard or soft for a bounce, null for any other event. */
    public static String bounceType(SesEvent event) {
        if (!event.isPermanentBounce() && !event.isTransientBounce()) {
            return null;
        }
        return event.isPermanentBounce() ? HARD_BOUNCE : SOFT_BOUNCE;
    }

    /** A message's bounce type after another bounce: a hard bounce stays hard. */
    public static String laterBounceType(String current, String next) {
        return HARD_BOUNCE.equals(current) || next == null ? current : next;
    }

    /** All events of one message in a batch, folded: the highest status, earliest first times, counts, bounce type. */
    public static final class Update {
        private final String sesMessageId;
        private MessageStatus status;
        private String reason;
        private Instant statusTime;
        private String bounceType;
        private final Map<FirstTime, Instant> firstTimes = new EnumMap<>(FirstTime.class);
        private int opens;
        private int clicks;

        public Update(String sesMessageId) {
            this.sesMessageId = sesMessageId;
        }

        /** Folds one event in; the order of the events does not change the result, except which equal-ranked reason is kept. */
        public Update fold(SesEvent event) {
            MessageStatus implied = impliedStatus(event);
            if (implied != null && (status == null || implied.outranks(status))) {
                status = implied;
                reason = event.statusReason();
                statusTime = event.eventTime();
            }
            FirstTime column = MessageLifecycle.firstTime(event);
            if (column != null) {
                firstTimes.merge(column, event.eventTime(), (a, b) -> a.isBefore(b) ? a : b);
            }
            switch (event.type()) {
                case OPEN -> opens++;
                case CLICK -> clicks++;
                case BOUNCE -> bounceType = laterBounceType(bounceType, MessageLifecycle.bounceType(event));
                default -> {
                }
            }
            return this;
        }

        public String sesMessageId() {
            return sesMessageId;
        }

        /** The highest status the events imply, or null if none implies one. */
        public MessageStatus status() {
            return status;
        }

        /** The reason of the event that implied {@link #status()}. */
        public String reason() {
            return reason;
        }

        public Instant statusTime() {
            return statusTime;
        }

        public String bounceType() {
            return bounceType;
        }

        public Instant firstTime(FirstTime column) {
            return firstTimes.get(column);
        }

        public int opens() {
            return opens;
        }

        public int clicks() {
            return clicks;
        }

        /** Whether this update moves a message that currently has {@code current}. */
        public boolean moves(MessageStatus current) {
            return status != null && status.outranks(current);
        }
    }
}
