package org.mailpulse.suppression;

import java.util.Locale;

/**
 * Why an address is suppressed, with the strength of each reason: a weaker reason never replaces a stronger one
 * ({@link SuppressionPolicy}). The strength is stored beside the reason ({@code suppression_list.reason_rank}) so
 * that one upsert can compare them: a strength changes only together with a migration of that column.
 */
public enum SuppressionReason {
    BOUNCE_SOFT(0),
    UNSUBSCRIBE(1),
    MANUAL(2),
    BOUNCE_HARD(3),
    COMPLAINT(4);

    private final int strength;

    SuppressionReason(int strength) {
        this.strength = strength;
    }

    public int strength() {
        return strength;
    }

    /** The stored and published name, e.g. {@code bounce_hard}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SuppressionReason fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }
}
