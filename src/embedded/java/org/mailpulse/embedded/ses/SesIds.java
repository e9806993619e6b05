package org.mailpulse.embedded.ses;

import java.util.UUID;

/** Identifiers in the shapes SES uses. */
final class SesIds {

    private SesIds() {
    }

    /** Like SES's "0100018c2f1e3a4b-8f0e6f2c-3a1d-4c5e-9b7a-1d2e3f4a5b6c-000000": hex milliseconds, a UUID, a suffix. */
    static String messageId() {
        return "0100" + String.format("%012x", System.currentTimeMillis()) + "-" + UUID.randomUUID() + "-000000";
    }

    static String requestId() {
        return UUID.randomUUID().toString();
    }
}
