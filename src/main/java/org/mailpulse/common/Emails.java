package org.mailpulse.common;

import java.util.Locale;
import java.util.regex.Pattern;

/** The address rules MailPulse applies everywhere: trimmed, lowercase, a plausible single address. */
public final class Emails {

    // Deliberately plain: one local part, one domain with a dot, no spaces, angle brackets, quotes or line breaks.
    private static final Pattern ADDRESS = Pattern.compile("^[^\\s@<>\"',;()\\[\\]\\\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$");

    private Emails() {
    }

    public static String normalise(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isValid(String email) {
        return email != null && email.length() <= 254 && ADDRESS.matcher(email).matches();
    }

    /** For logs: "a***@example.com". */
    public static String mask(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
