package org.mailpulse.common;

/** The rates every report shows: a share rounded to four decimals, 0 when nothing was counted. */
public final class Rates {

    private Rates() {
    }

    public static double of(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
