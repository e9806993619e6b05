package org.mailpulse.bench;

import static org.mailpulse.bench.Jdbc.count;
import static org.mailpulse.bench.Jdbc.execute;
import static org.mailpulse.bench.Jdbc.single;
import static org.mailpulse.bench.Jdbc.update;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.report.repository.RollupRepository;
import org.mailpulse.report.rollup.DailyRollup;
import org.mailpulse.testsupport.TestServers;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shows whether rolling up one day ({@link DailyRollup#rollUp(LocalDate)}) gets slower as the event history grows.
 * History and the measured day are generated in PostgreSQL with set-based SQL; the same day is rolled up with a small
 * history and again after the history has grown. Not part of the suite (the name does not end in Test); run it with
 * {@code ./mvnw test -Dtest=RollupBenchmark -Drollup.history=10000000 -Drollup.day=1000000}. bench/ROLLUP.md explains
 * every figure.
 */
@QuarkusTest
class RollupBenchmark {

    private static final String[] EVENT_COLUMNS = {"event_id", "notification_id", "event_type", "email", "campaign_id", "customer_id",
            "ses_message_id", "status", "event_time", "payload"};

    /**
     * Events of message m (1..messages) at random times in [from, from + span). Shares: delivery 40 %, open 37 %, click 15 %,
     * permanent bounce 3 %, transient bounce 2 %, complaint 1 %, unsubscribe 2 %.
     */
    private static final String EVENTS = """
            INSERT INTO email_events_op (%s)
            SELECT gen_random_uuid(), 'rb-' || ?::text || '-' || g, %s, 'u' || m || '@d' || (m %% ?) || '.example',
                   md5('rb-campaign-' || (m %% ?))::uuid, md5('rb-customer-' || m)::uuid, 'rb-msg-' || m, %s,
                   ?::timestamptz + r2 * ?::interval, %s
            FROM (SELECT g, ? + floor(random() * ?)::int AS m, random() AS r, random() AS r2 FROM generate_series(?, ?) AS g) AS s
            """.formatted(String.join(", ", EVENT_COLUMNS),
            "CASE WHEN r < 0.40 THEN 'delivery' WHEN r < 0.77 THEN 'open' WHEN r < 0.92 THEN 'click' WHEN r < 0.97 THEN 'bounce' "
                    + "WHEN r < 0.98 THEN 'complaint' ELSE 'unsubscribe' END",
            "CASE WHEN r < 0.40 THEN 'DELIVERED' WHEN r < 0.77 THEN 'OPENED' WHEN r < 0.92 THEN 'CLICKED' WHEN r < 0.97 THEN 'BOUNCED' "
                    + "WHEN r < 0.98 THEN 'COMPLAINED' ELSE 'UNSUBSCRIBED' END",
            "CASE WHEN r < 0.40 THEN '{\"smtpResponse\": \"250 2.6.0 Message received\", \"processingTimeMillis\": 546}'::jsonb "
                    + "WHEN r < 0.77 THEN '{\"userAgent\": \"Mozilla/5.0\", \"ipAddress\": \"192.0.2.1\"}'::jsonb "
                    + "WHEN r < 0.92 THEN '{\"link\": \"https://example.com/offer\", \"ipAddress\": \"192.0.2.1\"}'::jsonb "
                    + "WHEN r < 0.95 THEN '{\"bounceType\": \"Permanent\", \"bounceSubType\": \"General\"}'::jsonb "
                    + "WHEN r < 0.97 THEN '{\"bounceType\": \"Transient\", \"bounceSubType\": \"MailboxFull\"}'::jsonb "
                    + "WHEN r < 0.98 THEN '{\"complaintFeedbackType\": \"abuse\"}'::jsonb "
                    + "ELSE '{\"unsubscribeAll\": false}'::jsonb END");

    private static final String MESSAGES = """
            WITH c AS (
                INSERT INTO customers (customer_id, email)
                SELECT md5('rb-customer-' || m)::uuid, 'u' || m || '@d' || (m % ?) || '.example' FROM generate_series(?, ?) AS m
                RETURNING customer_id, email)
            INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, attempt_count, sent_at)
            SELECT md5('rb-campaign-' || (split_part(substr(email, 2), '@', 1)::int % ?))::uuid, customer_id, email, 'SENT', 5,
                   'rb-msg-' || split_part(substr(email, 2), '@', 1), 1, ?::timestamptz + random() * ?::interval
            FROM c
            """;

    private static final String PLAN_LINES = "(?i).*(Seq Scan on|Index Scan|Index Only Scan|Bitmap Heap Scan on|Bitmap Index Scan on|"
            + "Subplans Removed|Execution Time|Planning Time|Sort Method|Heap Blocks|Rows Removed by Filter).*";

    @Inject
    DailyRollup rollup;

    record Settings(long smallHistory, long history, long dayEvents, int campaigns, int domains, int messages, int daySends, int runs,
                    long chunk, LocalDate day) {

        static Settings fromSystemProperties() {
            long history = Long.getLong("rollup.history", 10_000_000L);
            long small = Math.min(history, Long.getLong("rollup.history.small", 1_000_000L));
            int messages = Integer.getInteger("rollup.messages", 200_000);
            LocalDate day = LocalDate.parse(System.getProperty("rollup.date",
                    LocalDate.now(ZoneOffset.UTC).minusMonths(1).withDayOfMonth(15).toString()));
            return new Settings(small, history, Long.getLong("rollup.day", 1_000_000L), Integer.getInteger("rollup.campaigns", 50),
                    Integer.getInteger("rollup.domains", 200), messages, Integer.getInteger("rollup.day.sends", messages / 10),
                    Integer.getInteger("rollup.runs", 3), Long.getLong("rollup.chunk", 1_000_000L), day);
        }
    }

    record Phase(String name, List<Double> seconds, long historyRows, long dayPartitionRows, long campaignRows, long domainRows,
                 String totals) {

        double median() {
            double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
    }

    private final List<String> lines = new ArrayList<>();

    @Test
    void rollupTimeDoesNotFollowTheHistory() throws Exception {
        Settings s = Settings.fromSystemProperties();
        List<Phase> phases = new ArrayList<>();
        try {
            machine(s);
            try (Connection c = TestServers.jdbc()) {
                c.setAutoCommit(true);
                execute(c, "SET synchronous_commit = off");
                long t0 = System.nanoTime();
                arrange(c, s);
                text("generate.messages", s.messages() + " messages (" + s.daySends() + " sent on " + s.day() + ", the rest over the 365 days before) on "
                        + s.campaigns() + " campaigns and " + s.domains() + " domains, " + secondsSince(t0) + " s");

                t0 = System.nanoTime();
                long generated = events(c, s, "d", s.dayEvents(), s.day().atStartOfDay().toInstant(ZoneOffset.UTC).toString(), "1 day");
                text("generate.day_events", generated + " events on " + s.day() + ", " + secondsSince(t0) + " s");

                t0 = System.nanoTime();
                long history = history(c, s, 0, s.smallHistory());
                text("generate.history_small", history + " events over the 365 days before the day, " + secondsSince(t0) + " s");
                settle(c);
                phases.add(measure(c, s, "small"));

                t0 = System.nanoTime();
                history += history(c, s, history, s.history());
                text("generate.history_large", "added " + (s.history() - s.smallHistory()) + " events, now " + history + ", "
                        + secondsSince(t0) + " s");
                settle(c);
                phases.add(measure(c, s, "large"));
            }
            summary(phases);
        } finally {
            print();
        }
        for (Phase p : phases) {
            assertThat(p.campaignRows()).as("campaign rows of " + p.name()).isPositive();
            assertThat(p.domainRows()).as("domain rows of " + p.name()).isPositive();
        }
        assertThat(phases).hasSize(2);
        assertThat(phases.get(1).totals()).as("the day's rollup must not change when older history is added").isEqualTo(phases.get(0).totals());
    }

    private void arrange(Connection c, Settings s) throws SQLException {
        String dayStart = s.day().atStartOfDay().toInstant(ZoneOffset.UTC).toString();
        String historyStart = s.day().minusDays(365).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
        // Every month that gets rows, as the application prepares them in production (the default partition stays empty).
        execute(c, "SELECT mailpulse_ensure_month_partition('email_events_op', m) FROM generate_series(date_trunc('month', '"
                + historyStart + "'::timestamptz), '" + dayStart + "'::timestamptz, interval '1 month') AS m");
        execute(c, "INSERT INTO templates (template_id, name, provider, provider_template_name) VALUES (md5('rb-template')::uuid, 'rollup', 'ses', 'rollup')");
        update(c, "INSERT INTO campaigns (campaign_id, campaign_name, template_id, status) SELECT md5('rb-campaign-' || k)::uuid, 'rollup-' || k, "
                + "md5('rb-template')::uuid, 'done' FROM generate_series(0, ? - 1) AS k", s.campaigns());
        // Messages 1..daySends sent on the day, the others over the year before.
        update(c, MESSAGES, s.domains(), 1, s.daySends(), s.campaigns(), dayStart, "1 day");
        update(c, MESSAGES, s.domains(), s.daySends() + 1, s.messages(), s.campaigns(), historyStart, "365 days");
    }

    /** History rows numbered from (exclusive) .. to (inclusive), in chunks, over the 365 days before the day. */
    private long history(Connection c, Settings s, long from, long to) throws SQLException {
        String historyStart = s.day().minusDays(365).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
        long written = 0;
        for (long a = from + 1; a <= to; a += s.chunk()) {
            long b = Math.min(to, a + s.chunk() - 1);
            long t0 = System.nanoTime();
            written += update(c, EVENTS, "h", s.domains(), s.campaigns(), historyStart, "365 days", s.daySends() + 1,
                    s.messages() - s.daySends(), a, b);
            System.out.println("ROLLUP history rows " + a + ".." + b + " in " + secondsSince(t0) + " s");
        }
        return written;
    }

    /** The day's events, in chunks; they hit every message (sent on the day or before). */
    private long events(Connection c, Settings s, String prefix, long count, String start, String span) throws SQLException {
        long written = 0;
        for (long a = 1; a <= count; a += s.chunk()) {
            long b = Math.min(count, a + s.chunk() - 1);
            written += update(c, EVENTS, prefix, s.domains(), s.campaigns(), start, span, 1, s.messages(), a, b);
        }
        return written;
    }

    private Phase measure(Connection c, Settings s, String name) throws Exception {
        String p = "phase_" + name;
        long historyRows = count(c, "SELECT count(*) FROM email_events_op");
        String partition = "email_events_op_" + s.day().toString().substring(0, 7).replace("-", "");
        long partitionRows = count(c, "SELECT count(*) FROM " + partition);
        text(p + ".email_events_op", historyRows + " rows in all, " + mb(c, "email_events_op") + " MB with indexes; default partition "
                + count(c, "SELECT count(*) FROM email_events_op_default") + " rows");
        text(p + ".day_partition", partition + ": " + partitionRows + " rows (" + count(c, "SELECT count(*) FROM " + partition
                + " WHERE event_time >= '" + s.day() + "'::date AND event_time < '" + s.day() + "'::date + 1") + " on the day), "
                + mb(c, partition) + " MB with indexes");
        text(p + ".campaign_recipients", count(c, "SELECT count(*) FROM campaign_recipients") + " rows, "
                + count(c, "SELECT count(*) FROM campaign_recipients WHERE sent_at >= '" + s.day() + "'::date AND sent_at < '" + s.day()
                + "'::date + 1") + " sent on the day");

        // One unmeasured run first, so that every measured run starts from the same warm cache.
        long t0 = System.nanoTime();
        assertThat(rollup.rollUp(s.day()).await().atMost(Duration.ofMinutes(15))).isTrue();
        figure(p + ".warmup", (System.nanoTime() - t0) / 1e9, "s (not counted)");
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= s.runs(); i++) {
            t0 = System.nanoTime();
            assertThat(rollup.rollUp(s.day()).await().atMost(Duration.ofMinutes(15))).isTrue();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            seconds.add(elapsed);
            figure(p + ".run" + i, elapsed, "s");
        }
        long campaignRows = count(c, "SELECT count(*) FROM report_daily_campaign WHERE day = '" + s.day() + "'");
        long domainRows = count(c, "SELECT count(*) FROM report_daily_domain WHERE day = '" + s.day() + "'");
        String totals = totals(c, "report_daily_campaign", s.day());
        String domainTotals = totals(c, "report_daily_domain", s.day());
        Phase phase = new Phase(name, seconds, historyRows, partitionRows, campaignRows, domainRows, totals + " | " + domainTotals);
        figure(p + ".median", phase.median(), "s per rollUp(" + s.day() + ") over " + s.runs() + " runs");
        figure(p + ".per_million_day_events", phase.median() / (s.dayEvents() / 1e6), "s per 1M events of the day");
        text(p + ".written", campaignRows + " report_daily_campaign rows, " + domainRows + " report_daily_domain rows");
        text(p + ".campaign_totals", totals);
        text(p + ".domain_totals", domainTotals);
        explain(c, s, p);
        return phase;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of the per-campaign query, prepared with a parameter as the application runs it. */
    private void explain(Connection c, Settings s, String p) throws Exception {
        Field field = RollupRepository.class.getDeclaredField("COUNTS");
        field.setAccessible(true);
        String counts = ((String) field.get(null)).formatted("campaign_id", "campaign_id", "campaign_id");
        execute(c, "DEALLOCATE ALL");
        execute(c, "PREPARE rb_counts(date) AS " + counts);
        List<String> plan = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE rb_counts('" + s.day() + "')")) {
            while (rs.next()) {
                plan.add(rs.getString(1));
            }
        }
        execute(c, "DEALLOCATE rb_counts");
        Jdbc.reportPlan(plan, p + ".explain", PLAN_LINES, this::text);
    }

    private void summary(List<Phase> phases) {
        Phase small = phases.get(0);
        Phase large = phases.get(1);
        figure("result.history_ratio", (double) large.historyRows() / small.historyRows(), "x more email_events_op rows in phase large");
        figure("result.day_partition_ratio", (double) large.dayPartitionRows() / small.dayPartitionRows(), "x more rows in the day's partition");
        figure("result.time_ratio", large.median() / small.median(), "x median rollUp time (large / small)");
        text("result.same_rollup", String.valueOf(large.totals().equals(small.totals())));
    }

    private void machine(Settings s) {
        text("settings", "history=" + s.history() + " history.small=" + s.smallHistory() + " day=" + s.dayEvents() + " date=" + s.day()
                + " campaigns=" + s.campaigns() + " domains=" + s.domains() + " messages=" + s.messages() + " runs=" + s.runs()
                + " chunk=" + s.chunk());
        text("machine.cores", Runtime.getRuntime().availableProcessors() + " (" + firstLine("/proc/cpuinfo", "model name") + ")");
        text("machine.memory", firstLine("/proc/meminfo", "MemTotal") + ", JVM max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        text("machine.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try (Connection c = TestServers.jdbc()) {
            text("postgres.version", single(c, "SHOW server_version"));
            text("postgres.settings", "shared_buffers=" + single(c, "SHOW shared_buffers") + " work_mem=" + single(c, "SHOW work_mem")
                    + " max_parallel_workers_per_gather=" + single(c, "SHOW max_parallel_workers_per_gather")
                    + " effective_cache_size=" + single(c, "SHOW effective_cache_size") + " TimeZone=" + single(c, "SHOW TimeZone"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ")).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String totals(Connection c, String table, LocalDate day) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sum(sent), sum(delivered), sum(bounced_hard), "
                + "sum(bounced_soft), sum(complained), sum(unique_opens), sum(unique_clicks), sum(unsubscribed) FROM " + table
                + " WHERE day = '" + day + "'")) {
            rs.next();
            String[] names = {"sent", "delivered", "bounced_hard", "bounced_soft", "complained", "unique_opens", "unique_clicks", "unsubscribed"};
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                parts.add(names[i] + "=" + rs.getLong(i + 1));
            }
            return String.join(" ", parts);
        }
    }

    private static void settle(Connection c) throws SQLException {
        long t0 = System.nanoTime();
        execute(c, "VACUUM (ANALYZE) email_events_op");
        execute(c, "VACUUM (ANALYZE) campaign_recipients");
        execute(c, "VACUUM (ANALYZE) report_daily_campaign");
        execute(c, "VACUUM (ANALYZE) report_daily_domain");
        execute(c, "CHECKPOINT");
        System.out.println("ROLLUP settle in " + secondsSince(t0) + " s");
    }

    private static String mb(Connection c, String table) throws SQLException {
        return single(c, "SELECT round(sum(pg_total_relation_size(relid)) / 1048576.0) FROM pg_partition_tree('" + table + "')");
    }

    private static String secondsSince(long t0) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9);
    }

    private void figure(String name, double value, String unit) {
        text(name, (Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value)) + " " + unit);
    }

    private void text(String name, String value) {
        String line = String.format(Locale.ROOT, "%-34s %s", name, value);
        lines.add(line);
        System.out.println("ROLLUP " + line);
    }

    private void print() {
        StringBuilder block = new StringBuilder(System.lineSeparator());
        block.append("BENCH ======== MailPulse daily rollup benchmark ========").append(System.lineSeparator());
        for (String line : lines) {
            block.append("BENCH ").append(line).append(System.lineSeparator());
        }
        block.append("BENCH =====================================================");
        System.out.println(block);
    }
}
