package org.mailpulse.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** One figure line per scenario, on the console and appended to target/reliability-figures.txt. */
final class Figures {

    static final Path FILE = Path.of("target", "reliability-figures.txt");

    private Figures() {
    }

    static void print(String scenario, String figures) {
        String line = "RELIABILITY %-10s %s (scale %s)".formatted(scenario, figures, Scale.full() ? "full" : "short");
        System.out.println(line);
        try {
            Files.writeString(FILE, Instant.now() + " " + line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
