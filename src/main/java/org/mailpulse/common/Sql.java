package org.mailpulse.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.function.Function;

/** Column arrays for set-based statements ({@code unnest($1::text[], ...)}): one round trip for many rows. */
public final class Sql {

    private Sql() {
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static <T> String[] texts(Collection<T> rows, Function<T, String> column) {
        return rows.stream().map(column).toArray(String[]::new);
    }

    public static <T> java.util.UUID[] uuids(Collection<T> rows, Function<T, java.util.UUID> column) {
        return rows.stream().map(column).toArray(java.util.UUID[]::new);
    }

    public static <T> Integer[] ints(Collection<T> rows, Function<T, Integer> column) {
        return rows.stream().map(column).toArray(Integer[]::new);
    }

    public static <T> OffsetDateTime[] times(Collection<T> rows, Function<T, Instant> column) {
        return rows.stream().map(row -> utc(column.apply(row))).toArray(OffsetDateTime[]::new);
    }
}
