package org.mailpulse.bench;

import static org.mailpulse.bench.Jdbc.count;
import static org.mailpulse.bench.Jdbc.execute;
import static org.mailpulse.bench.Jdbc.single;
import static org.mailpulse.bench.Jdbc.update;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.mailpulse.campaign.repository.EnrolmentRepository;
import org.mailpulse.customer.repository.CustomerImportRepository;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.testsupport.TestServers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows per second of the two CSV routes as the tables grow: {@code bench.rows} customers imported through
 * {@code POST /api/customers/import}, then enrolled into a campaign through {@code POST /api/campaigns/{id}/recipients}
 * (existing customers), then as many new addresses enrolled into a second campaign (customers created on the way),
 * each in {@code bench.parts} parts under the body limit. Ends with the plans of both statements at full size. Not
 * part of the suite (the name does not end in Test); run it with {@code ./mvnw test -Dtest=EnrolmentBenchmark}.
 * bench/ENROLMENT.md explains every figure.
 */
@QuarkusTest
class EnrolmentBenchmark {

    private static final String PLAN_LINES = "(?i).*(Seq Scan on|Index Scan|Index Only Scan|Bitmap Heap Scan on|Nested Loop|Hash Join|"
            + "Merge Join|Hash Right Join|Hash Left Join|Insert on|Trigger for|Execution Time|Planning Time|Conflicting Tuples|Tuples Inserted).*";

    record Settings(int rows, int parts, int suppressed, int duplicateEvery, int badEvery) {

        static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("bench.rows", 1_000_000), Integer.getInteger("bench.parts", 5),
                    Integer.getInteger("bench.suppressed", 10_000), Integer.getInteger("bench.duplicate-every", 200),
                    Integer.getInteger("bench.bad-every", 1_000));
        }

        int partRows() {
            return rows / parts;
        }

        CsvFiles files() {
            return new CsvFiles(partRows(), duplicateEvery, badEvery);
        }
    }

    record Part(String route, int part, int rows, double seconds, Map<String, Object> report, String load) {

        double rate() {
            return rows / seconds;
        }
    }

    private final List<String> lines = new ArrayList<>();

    @Test
    void enrolmentKeepsItsRateAsTheTablesGrow() throws Exception {
        Settings s = Settings.fromSystemProperties();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Part> parts = new ArrayList<>();
        try {
            machine(s);
            String template = given().contentType(ContentType.JSON).body(Map.of("name", "bench", "provider", "internal",
                    "subject", "Hello {{name}}", "textBody", "Hi {{name}}")).post("/api/templates").then().statusCode(201).extract().path("id");
            String existing = campaign(template, "bench existing " + run);
            String fresh = campaign(template, "bench new " + run);
            try (Connection c = TestServers.jdbc()) {
                // Every 100th address of the new-address file is on the suppression list, up to bench.suppressed of them.
                update(c, "INSERT INTO suppression_list (email, reason, reason_rank, source) SELECT 'new-" + run + "-' || (g * 100) "
                        + "|| '@d' || (g * 100 % 97) || '.example', ?, ?, 'user' FROM generate_series(0, ? - 1) AS g ON CONFLICT DO NOTHING",
                        SuppressionReason.MANUAL.code(), SuppressionReason.MANUAL.strength(), s.suppressed());
                execute(c, "VACUUM ANALYZE suppression_list");
            }
            for (int p = 0; p < s.parts(); p++) {
                parts.add(post("import", "/api/customers/import", p, s, s.files().customers("imp-" + run, p)));
            }
            for (int p = 0; p < s.parts(); p++) {
                parts.add(post("enrol_existing", "/api/campaigns/" + existing + "/recipients", p, s, s.files().enrolment("imp-" + run, p)));
            }
            for (int p = 0; p < s.parts(); p++) {
                parts.add(post("enrol_new", "/api/campaigns/" + fresh + "/recipients", p, s, s.files().enrolment("new-" + run, p)));
            }
            summary(s, parts);
            try (Connection c = TestServers.jdbc()) {
                text("tables", count(c, "SELECT count(*) FROM customers") + " customers, " + count(c, "SELECT count(*) FROM campaign_recipients")
                        + " campaign_recipients, " + count(c, "SELECT count(*) FROM suppression_list") + " suppressions");
                explainEnrol(c, fresh, run);
                explainImport(c, run);
            }
        } finally {
            print();
        }
        long rejected = s.files().rejectedPerPart();
        for (Part p : parts) {
            long written = p.route().equals("import") ? number(p, "created") + number(p, "updated")
                    : number(p, "enrolled") + number(p, "suppressed") + number(p, "alreadyEnrolled");
            assertThat(written + number(p, "rejectedCount")).as(p.route() + " part " + p.part() + " accounts for every row").isEqualTo(p.rows());
            assertThat(number(p, "rejectedCount")).as(p.route() + " part " + p.part() + " rejects the bad rows and the repeats").isEqualTo(rejected);
        }
    }

    private String campaign(String template, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
    }

    private Part post(String route, String path, int part, Settings s, byte[] csv) {
        String before = load();
        long t0 = System.nanoTime();
        Response response = given().contentType("text/csv").body(csv).post(path);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(response.statusCode()).as(route + " part " + part + ": " + response.asString()).isEqualTo(200);
        Map<String, Object> report = response.jsonPath().getMap("$");
        report.remove("rejected");
        Part p = new Part(route, part, s.partRows(), seconds, report, before + " → " + load());
        text(route + ".part" + (part + 1), String.format(Locale.ROOT, "%,d rows (%.1f MB) in %.2f s = %,.0f rows/s; %s; load %s",
                p.rows(), csv.length / 1e6, seconds, p.rate(), report, p.load()));
        return p;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of one enrolment statement of 5,000 new addresses, rolled back. */
    private void explainEnrol(Connection c, String campaign, String run) throws SQLException {
        int n = 5_000;
        String[] emails = new String[n];
        String[] data = new String[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            emails[i] = "explain-" + run + "-" + i + "@d" + (i % 97) + ".example";
            data[i] = "{\"name\": \"Person " + i + "\"}";
            ids[i] = timeOrdered(i);
        }
        explain(c, "explain.enrol", EnrolmentRepository.ENROL, "text[], text[], uuid[], uuid, text, smallint, smallint, timestamptz, text",
                List.of(array(emails), array(data), array(ids), quote(campaign), quote(MessageStatus.CREATED.name()),
                        String.valueOf(MessageStatus.CREATED.rank()), String.valueOf(MessageStatus.SUPPRESSED.rank()), "NULL",
                        quote(MessageStatus.SUPPRESSED.name())));
    }

    /** The same for one import statement of 5,000 rows, half of them existing customers. */
    private void explainImport(Connection c, String run) throws SQLException {
        int n = 5_000;
        String[] emails = new String[n];
        String[] names = new String[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            emails[i] = i % 2 == 0 ? CsvFiles.address("imp-" + run, i * 97L, true) : "explain-import-" + run + "-" + i + "@d.example";
            names[i] = "Person " + i;
            ids[i] = timeOrdered(i);
        }
        explain(c, "explain.import", CustomerImportRepository.UPSERT, "text[], text[], text[], text[], uuid[]",
                List.of(array(emails), array(names), "'{}'", "'{}'", array(ids)));
    }

    /**
     * The statement prepared with its own $n parameters and typed as the application binds them, so that its plan is
     * the application's, then run once with the given SQL literals inside a transaction that is rolled back.
     */
    private void explain(Connection c, String name, String sql, String types, List<String> literals) throws SQLException {
        c.setAutoCommit(false);
        List<String> plan = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("PREPARE bench_stmt(" + types + ") AS " + sql);
            try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_stmt(" + String.join(", ", literals) + ")")) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
            execute(c, "DEALLOCATE ALL");
        }
        Jdbc.reportPlan(plan, name, PLAN_LINES, this::text);
    }

    private static String timeOrdered(int i) {
        return new UUID(System.currentTimeMillis() << 16 | 0x7000, 0x8000_0000_0000_0000L | i).toString();
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** An array literal of quoted elements. */
    private static String array(String[] values) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            literal.append(i == 0 ? "" : ",").append('"').append(values[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return quote(literal.append('}').toString());
    }

    private void summary(Settings s, List<Part> parts) {
        for (String route : List.of("import", "enrol_existing", "enrol_new")) {
            List<Part> mine = parts.stream().filter(p -> p.route().equals(route)).toList();
            double[] rates = mine.stream().mapToDouble(Part::rate).toArray();
            double seconds = mine.stream().mapToDouble(Part::seconds).sum();
            double[] sorted = Arrays.stream(rates).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            text("result." + route, String.format(Locale.ROOT, "%,d rows in %.1f s = %,.0f rows/s overall; per part %s; median %,.0f; last/first %.2f",
                    (long) s.partRows() * mine.size(), seconds, s.partRows() * mine.size() / seconds,
                    Arrays.stream(rates).mapToObj(r -> String.format(Locale.ROOT, "%,.0f", r)).toList(), median, rates[rates.length - 1] / rates[0]));
        }
    }

    private void machine(Settings s) throws SQLException {
        text("settings", "rows=" + s.rows() + " parts=" + s.parts() + " suppressed=" + s.suppressed() + " duplicate-every=" + s.duplicateEvery()
                + " bad-every=" + s.badEvery() + " chunk-rows=" + System.getProperty("mailpulse.bulk.chunk-rows", "(default)")
                + " writers=" + System.getProperty("mailpulse.bulk.writers", "(default)"));
        text("machine.cores", Runtime.getRuntime().availableProcessors() + " (" + firstLine("/proc/cpuinfo", "model name") + ")");
        text("machine.memory", firstLine("/proc/meminfo", "MemTotal") + ", JVM max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        text("machine.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        text("machine.load", load() + " (1, 5, 15 min load averages: anything above 0 is other work on the machine)");
        try (Connection c = TestServers.jdbc()) {
            text("postgres.version", single(c, "SHOW server_version"));
            text("postgres.settings", "shared_buffers=" + single(c, "SHOW shared_buffers") + " fsync=" + single(c, "SHOW fsync")
                    + " synchronous_commit=" + single(c, "SHOW synchronous_commit") + " full_page_writes=" + single(c, "SHOW full_page_writes")
                    + " max_wal_size=" + single(c, "SHOW max_wal_size"));
        }
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
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

    private static long number(Part p, String key) {
        return ((Number) p.report().get(key)).longValue();
    }

    private void text(String key, String value) {
        lines.add("BENCH " + key + " " + value);
        System.out.println("BENCH " + key + " " + value);
    }

    private void print() {
        System.out.println("BENCH ---- summary ----");
        lines.forEach(System.out::println);
    }
}
