package org.mailpulse.suppression;

import java.util.Locale;

/** Who suppressed an address: the recipient (unsubscribe link), SES (events) or an operator (API). */
public enum SuppressionSource {
    USER,
    SES,
    OPS;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
