package org.mailpulse.embedded.ses;

import java.util.Locale;

/**
 * How the simulator's events reach the queue, as the SES event destinations deliver them to SQS: in an SNS
 * Notification envelope (an SNS destination, the default), as the bare record (SNS with raw message delivery), or as
 * the EventBridge event of the default bus (an EventBridge destination and a rule with an SQS target). Chosen with
 * the system property {@value #SETTING} ({@code sns}, {@code raw} or {@code eventbridge}).
 */
enum EventWrapping {
    SNS, RAW, EVENTBRIDGE;

    static final String SETTING = "mailpulse-local.ses-event-wrapping";

    static EventWrapping fromSetting() {
        String value = System.getProperty(SETTING, "sns").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " must be sns, raw or eventbridge, not '" + System.getProperty(SETTING) + "'", e);
        }
    }
}
