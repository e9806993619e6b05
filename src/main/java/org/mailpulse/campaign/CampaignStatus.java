package org.mailpulse.campaign;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The campaign state machine: draft → queued → sending → done; paused from queued or sending, and resume back to
 * queued (the sender moves it on to sending). Every other move is refused. Each {@link Transition} names its
 * source and target statuses; the statements that move campaigns take both from it.
 */
public enum CampaignStatus {
    DRAFT,
    QUEUED,
    SENDING,
    DONE,
    PAUSED;

    /** The moves of the state machine and who makes them. */
    public enum Transition {
        /** An operator queues a draft: it sends from now or from its scheduledAt. */
        QUEUE(QUEUED, DRAFT),
        /**
         * An operator, or for every campaign at once the reputation guard or the SES quota guard (daily quota used up,
         * account paused by SES), pauses sending; the {@link org.mailpulse.campaign.PauseCause} says which.
         */
        PAUSE(PAUSED, QUEUED, SENDING),
        /**
         * An operator resumes a paused campaign, or the SES quota guard one it paused for the daily quota once the
         * rolling window frees quota ({@link org.mailpulse.campaign.PauseCause#resumesByItself()}); the sender starts it again.
         */
        RESUME(QUEUED, PAUSED),
        /** The sender starts a queued campaign once its scheduledAt has come. */
        START(SENDING, QUEUED),
        /** The sender closes a sending campaign that has no message left to send. */
        COMPLETE(DONE, SENDING);

        private final CampaignStatus to;
        private final Set<CampaignStatus> from;

        Transition(CampaignStatus to, CampaignStatus first, CampaignStatus... more) {
            this.to = to;
            this.from = EnumSet.of(first, more);
        }

        public CampaignStatus to() {
            return to;
        }

        public boolean allowedFrom(CampaignStatus status) {
            return from.contains(status);
        }

        /** The stored names of the statuses this move starts from, for {@code status = ANY($n::text[])}. */
        public String[] fromCodes() {
            return from.stream().map(CampaignStatus::code).toArray(String[]::new);
        }

        /** The verb in messages, e.g. "queue". */
        public String verb() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The stored and published name, e.g. {@code sending}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a stored or requested name; IllegalArgumentException for any other. */
    public static CampaignStatus fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }

    /** The stored names of all statuses, for messages. */
    public static String codes() {
        return Arrays.stream(values()).map(CampaignStatus::code).toList().toString();
    }

    /** Recipients may be added until the campaign is done. */
    public boolean acceptsRecipients() {
        return this != DONE;
    }
}
