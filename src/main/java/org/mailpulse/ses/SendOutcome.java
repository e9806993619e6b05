package org.mailpulse.ses;

/** What SES made of one SendEmail call, as far as the message's fate is concerned. */
public sealed interface SendOutcome {

    record Sent(String sesMessageId) implements SendOutcome {
    }

    /** Over the sending rate: retry later; not an attempt. */
    record Throttled(String detail) implements SendOutcome {
    }

    /**
     * SES refused the call for the whole account (its 24-hour quota is used up, or it has paused the account's
     * sending): nothing was sent and nothing is wrong with the message; it waits, and the campaigns pause.
     */
    record AccountRefused(Refusal refusal, String detail) implements SendOutcome {
    }

    enum Refusal {
        /** LimitExceededException: the rolling 24-hour quota frees up by itself. */
        DAILY_QUOTA,
        /** SendingPausedException: until SES (and then an operator) lets the account send again. */
        SENDING_PAUSED
    }

    /** Failed without sending (SES error 5xx, connection refused): retry with back-off, counts as an attempt. */
    record Transient(String detail) implements SendOutcome {
    }

    /** SES refused this message for good (rejected, unverified sender, template missing, ...). */
    record Permanent(String detail) implements SendOutcome {
    }

    /**
     * The request may or may not have reached SES (timeout, connection lost mid-call): never resent
     * automatically, left for review so that no message is sent twice.
     */
    record Unknown(String detail) implements SendOutcome {
    }
}
