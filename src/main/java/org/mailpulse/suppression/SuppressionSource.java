package org.mailpulse.suppression;

import java.util.Arrays;

/**
 * Who suppressed an address: the recipient (unsubscribe link), SES (events), an operator (API), or the SES
 * account-level suppression list read in by the import (never exported back to it).
 */
public enum SuppressionSource {
    USER("user"),
    SES("ses"),
    OPS("ops"),
    SES_ACCOUNT("ses-account");

    private final String code;

    SuppressionSource(String code) {
        this.code = code;
    }

    /** The stored and published name, e.g. {@code ses-account}. */
    public String code() {
        return code;
    }

    public static SuppressionSource fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown suppression source " + code));
    }
}
