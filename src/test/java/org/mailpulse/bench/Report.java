package org.mailpulse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures, printed together as one block of lines starting with {@code BENCH} so they are easy to grep from the build log. */
final class Report {

    private final List<String> lines = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    void figure(String name, double value, String unit) {
        String formatted = Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
        text(name, formatted + (unit.isEmpty() ? "" : " " + unit));
    }

    void text(String name, String value) {
        lines.add(String.format(Locale.ROOT, "%-38s %s", name, value));
    }

    /** A sanity figure: printed with the others, and remembered as a failure when it is not what was expected. */
    void check(String name, long expected, long actual) {
        boolean ok = expected == actual;
        text("check." + name, actual + " (expected " + expected + ")" + (ok ? " ok" : " MISMATCH"));
        if (!ok) {
            failures.add(name + ": expected " + expected + ", got " + actual);
        }
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    void print() {
        StringBuilder block = new StringBuilder(System.lineSeparator());
        block.append("BENCH ======== MailPulse ingestion benchmark ========").append(System.lineSeparator());
        for (String line : lines) {
            block.append("BENCH ").append(line).append(System.lineSeparator());
        }
        block.append("BENCH ===================================================");
        System.out.println(block);
    }
}
