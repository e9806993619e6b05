package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;

/** What one SQS message body turned out to be. */
public sealed interface ParsedInput {

    /** An SES event to archive and apply. */
    record Event(SesEvent event) implements ParsedInput {
    }

    /** Recognised and deliberately not applied (SNS subscription confirmation, topic validation); logged, then deleted. */
    record Ignored(String what) implements ParsedInput {
    }

    /** Cannot be processed: quarantined with the reason, then deleted. */
    record Invalid(String reason) implements ParsedInput {
    }
}
