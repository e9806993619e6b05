package org.mailpulse.ses;

/** What SES made of one SendEmail call, as far as the message's fate is concerned. */
public sealed interface SendOutcome {

    record Sent(String sesMessageId) implements SendOutcome {
    }

    /** Over the sending rate: retry later; not an attempt. */
    record Throttled(String detail) implements SendOutcome {
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
