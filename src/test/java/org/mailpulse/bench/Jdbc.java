package org.mailpulse.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.BiConsumer;

/** The few plain JDBC calls the benchmarks make to fill and measure their tables, and how they report a plan. */
final class Jdbc {

    private Jdbc() {
    }

    static long count(Connection c, String sql) throws SQLException {
        return Long.parseLong(single(c, sql));
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            return st.executeUpdate();
        }
    }

    /**
     * Prints an {@code EXPLAIN (ANALYZE, BUFFERS)} output whole, and hands the figures worth keeping to {@code text}:
     * the first {@code Buffers:} line as {@code <key>.total}, and each line matching {@code lines} as {@code <key>}.
     */
    static void reportPlan(List<String> plan, String key, String lines, BiConsumer<String, String> text) {
        plan.forEach(line -> System.out.println("PLAN " + key + " " + line));
        boolean firstBuffers = true;
        for (String line : plan) {
            String trimmed = line.trim().replaceFirst("^->\\s*", "");
            if (trimmed.startsWith("Buffers:") && firstBuffers) {
                text.accept(key + ".total", trimmed);
                firstBuffers = false;
            } else if (line.matches(lines)) {
                text.accept(key, trimmed.length() > 160 ? trimmed.substring(0, 160) + "…" : trimmed);
            }
        }
    }
}
