package org.mailpulse.common;

import jakarta.ws.rs.BadRequestException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The opaque {@code cursor} of a keyset-paged list: the sort key of the last row a page returned, base64url-encoded.
 * The parts are joined with NUL, which no PostgreSQL text value can contain. A cursor that does not decode to the
 * list's key is the client's error (400).
 */
public final class Cursor {

    private static final char SEPARATOR = '\0';

    private final List<String> parts;

    private Cursor(List<String> parts) {
        this.parts = parts;
    }

    /** The key of a row, from its sort columns in order. */
    public static Cursor of(Object... key) {
        return new Cursor(Arrays.stream(key).map(String::valueOf).toList());
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(String.valueOf(SEPARATOR), parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of a list whose key has {@code parts} columns; 400 if it is not one. */
    public static Cursor decode(String cursor, int parts) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        List<String> split = List.of(text.split(String.valueOf(SEPARATOR), -1));
        if (split.size() != parts || split.stream().anyMatch(String::isEmpty)) {
            throw invalid();
        }
        return new Cursor(split);
    }

    public String text(int index) {
        return parts.get(index);
    }

    public long number(int index) {
        try {
            return Long.parseLong(parts.get(index));
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    public Instant instant(int index) {
        try {
            return Instant.parse(parts.get(index));
        } catch (DateTimeParseException e) {
            throw invalid();
        }
    }

    public UUID uuid(int index) {
        try {
            return UUID.fromString(parts.get(index));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static BadRequestException invalid() {
        return new BadRequestException("cursor: not a cursor of this list (pass the next value of a previous answer unchanged)");
    }
}
