package org.mailpulse.suppression;

import java.util.Locale;

/** Why an address is suppressed, weakest first: a weaker reason never replaces a stronger one. */
public enum SuppressionReason {
    BOUNCE_SOFT,
    UNSUBSCRIBE,
    MANUAL,
    BOUNCE_HARD,
    COMPLAINT;

    public int strength() {
        return ordinal();
    }

    /** The stored and published name, e.g. {@code bounce_hard}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SuppressionReason fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }
}
