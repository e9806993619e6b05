package org.mailpulse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.common.Cursor;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ingest.ParsedInput;
import org.mailpulse.ingest.SesRecordParser;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.Api;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.SendTimes;
import org.mailpulse.testsupport.SeparateSesSimulator;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestServers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MailPulse at a real sender's size, in one run: ingestion of hard bounces with nearly empty tables; a million
 * customers imported and enrolled into one campaign by CSV; that campaign sent by replicas of the packaged
 * application sharing one rate; the rest of it marked sent; the same ingestion again with the tables full, beside the
 * PostgreSQL ceiling at both sizes; then the API's campaign reads under concurrent readers. Not part of the suite;
 * needs {@code target/quarkus-app}: {@code ./mvnw -B -ntp package -DskipTests && ./mvnw -B -ntp test -Dtest=ScaleBenchmark}.
 * bench/SCALE.md explains every figure.
 */
@QuarkusTest
@TestProfile(ScaleBenchmark.NoSending.class)
class ScaleBenchmark {

    /** This instance ingests and answers the API; only the replicas started for the send phase send, */
    public static class NoSending implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // and its reputation guard would pause the campaign after the bounce phases' 100 % hard bounces
            return Map.of("mailpulse.sending.enabled", "false", "mailpulse.reputation.enabled", "false");
        }
    }

    private static final String PROCESSED_SINCE = "SELECT processed_at FROM ingest_dedupe WHERE processed_at >= ? ORDER BY processed_at";

    record Settings(int customers, int parts, int bounces, int readers, int readSeconds, int readRate, int rate, int sendSeconds,
                    int replicas, Duration timeout) {

        static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("bench.customers", 1_000_000), Integer.getInteger("bench.parts", 5),
                    Integer.getInteger("bench.bounces", 20_000), Integer.getInteger("bench.readers", 50),
                    Integer.getInteger("bench.read.seconds", 10), Integer.getInteger("bench.read.rate", 500),
                    Integer.getInteger("bench.send.rate", 500),
                    Integer.getInteger("bench.send.seconds", 70), Integer.getInteger("bench.send.replicas", 2),
                    Duration.ofMinutes(Long.getLong("bench.timeout.minutes", 60)));
        }
    }

    @Inject
    SesRecordParser parser;
    @Inject
    ObjectMapper json;
    @Inject
    MailPulseConfig config;

    private final Report report = new Report();

    @Test
    void atASendersSize() throws Exception {
        Settings s = Settings.fromSystemProperties();
        Deadline deadline = Deadline.after(s.timeout());
        String run = "s" + UUID.randomUUID().toString().substring(0, 6);
        report.text("settings", s.toString().replace("Settings", "") + ", pollers=" + config.ingest().pollers()
                + ", cores=" + Runtime.getRuntime().availableProcessors());
        try (BenchQueue queue = new BenchQueue(8)) {
            // The JIT's warm-up, so that the run with empty tables is not the cold one.
            ingest("warmup", queue, Population.arrange(run + "-w", s.bounces() / 4), deadline);
            double empty = ingest("empty", queue, Population.arrange(run + "-e", s.bounces()), deadline);
            double emptyCeiling = ceiling("empty", Population.arrange(run + "-ec", s.bounces()), deadline);

            String template = given().contentType(ContentType.JSON).body(Map.of("name", "scale " + run, "provider", "internal",
                    "subject", "Hello {{name}}", "textBody", "Hi {{name}}")).post("/api/templates").then().statusCode(201).extract().path("id");
            String campaign = given().contentType(ContentType.JSON).body(Map.of("name", "scale " + run, "templateId", template))
                    .post("/api/campaigns").then().statusCode(201).extract().path("id");
            fill(s, run, campaign);
            send(s, campaign, deadline);
            markTheRestSent(campaign);

            List<Population.Recipient> full = recipients(campaign, 2 * s.bounces());
            UUID id = UUID.fromString(campaign);
            double fullRate = ingest("full", queue, new Population(id, full.subList(0, s.bounces())), deadline);
            double fullCeiling = ceiling("full", new Population(id, full.subList(s.bounces(), full.size())), deadline);
            report.figure("ingest.full_vs_empty", fullRate / empty, "x (goal: within 10 %, i.e. >= 0.90)");
            report.figure("ingest.full_vs_ceiling", fullRate / fullCeiling, "x the PostgreSQL ceiling with the tables full");
            report.figure("ingest.empty_vs_ceiling", empty / emptyCeiling, "x the PostgreSQL ceiling with empty tables");

            reads(s, campaign);
            report.text("tables", Db.count("SELECT count(*) FROM customers") + " customers, "
                    + Db.count("SELECT count(*) FROM campaign_recipients") + " campaign_recipients, "
                    + Db.count("SELECT count(*) FROM suppression_list") + " suppressions, "
                    + Db.count("SELECT count(*) FROM ingest_dedupe") + " dedupe keys");
        } finally {
            report.print();
        }
        assertThat(report.failures()).as("sanity checks (see the BENCH block above)").isEmpty();
    }

    /** A million customers by CSV import, then the same addresses enrolled into the campaign by CSV, part by part. */
    private void fill(Settings s, String run, String campaign) {
        CsvFiles files = new CsvFiles(s.customers() / s.parts(), 0, 0);
        List<Double> imports = new ArrayList<>();
        List<Double> enrolments = new ArrayList<>();
        for (int p = 0; p < s.parts(); p++) {
            imports.add(post("fill.import.part" + (p + 1), "/api/customers/import", files.customers("c-" + run, p), "created", files.partRows()));
        }
        for (int p = 0; p < s.parts(); p++) {
            enrolments.add(post("fill.enrol.part" + (p + 1), "/api/campaigns/" + campaign + "/recipients", files.enrolment("c-" + run, p),
                    "enrolled", files.partRows()));
        }
        rates("fill.import", imports, files.partRows());
        rates("fill.enrol", enrolments, files.partRows());
        Db.update("VACUUM ANALYZE");
    }

    private double post(String name, String path, byte[] csv, String counted, int rows) {
        long t0 = System.nanoTime();
        Response response = given().contentType("text/csv").body(csv).post(path);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(response.statusCode()).as(name + ": " + response.asString()).isEqualTo(200);
        report.text(name, String.format(Locale.ROOT, "%,d rows in %.2f s = %,.0f rows/s", rows, seconds, rows / seconds));
        report.check(name + "." + counted, rows, response.jsonPath().getLong(counted));
        return rows / seconds;
    }

    private void rates(String name, List<Double> rates, int partRows) {
        double seconds = rates.stream().mapToDouble(r -> partRows / r).sum();
        double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        report.text(name, String.format(Locale.ROOT, "%,d rows in %.1f s = %,.0f rows/s overall; median part %,.0f; last/first part %.2f",
                (long) partRows * rates.size(), seconds, partRows * rates.size() / seconds, median(sorted),
                rates.get(rates.size() - 1) / rates.get(0)));
    }

    /**
     * The campaign queued and sent by {@code replicas} instances of the packaged application sharing {@code rate}
     * against an SES simulator of their own (it keeps every send time), for {@code sendSeconds}, then paused.
     */
    private void send(Settings s, String campaign, Deadline deadline) throws Exception {
        ApiToken.install();
        List<AppInstance> replicas = new ArrayList<>();
        try (SeparateSesSimulator ses = SeparateSesSimulator.start(s.rate() * s.sendSeconds() * 2)) {
            ses.quota(10_000_000, 10_000);
            for (int i = 0; i < s.replicas(); i++) {
                replicas.add(AppInstance.start("scale-send-" + i, AppInstance.Launch.options(AppInstance.PRODUCTION_INTERVALS).withOptions(
                        "-Dmailpulse.sending.enabled=true", "-Dmailpulse.sending.max-rate=" + s.rate(), "-Dmailpulse.reputation.enabled=false",
                        "-Dquarkus.ses.endpoint-override=" + ses.endpoint())));
            }
            for (AppInstance replica : replicas) {
                replica.awaitReady(Duration.ofMinutes(3));
            }
            warmUp(s, deadline);
            ses.clear();
            ses.quota(10_000_000, 10_000);
            long t0 = System.nanoTime();
            given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
            report.figure("send.queue_seconds", (System.nanoTime() - t0) / 1e9, "s for POST /queue (a million messages become READY_TO_SEND)");
            while (ses.sendTimes().isEmpty()) {
                deadline.sleepUntil(System.nanoTime() + 100_000_000L, "waiting for the first SendEmail");
            }
            deadline.sleepUntil(System.nanoTime() + s.sendSeconds() * 1_000_000_000L, "sending for " + s.sendSeconds() + " s");
            given().post("/api/campaigns/{id}/pause", campaign).then().statusCode(200);
            deadline.sleepUntil(System.nanoTime() + 5_000_000_000L, "letting the claimed messages finish");
            double missed = 0;
            for (AppInstance replica : replicas) {
                missed += replica.metric("mailpulse_send_slots_missed_total");
            }
            List<Long> times = ses.sendTimes().stream().sorted().toList();
            long span = times.get(times.size() - 1) - times.get(0);
            List<Long> steady = times.stream().filter(t -> t >= times.get(0) + 5_000 && t < times.get(times.size() - 1) - 5_000).toList();
            report.text("send.sent", String.format(Locale.ROOT, "%,d SendEmail calls in %.1f s by %d replicas sharing %d/s; %.0f slots missed",
                    times.size(), span / 1000.0, s.replicas(), s.rate(), missed));
            report.figure("send.utilisation", 100 * SendTimes.utilisation(times, s.rate()), "% of the rate, first to last call");
            report.figure("send.utilisation_steady", 100 * SendTimes.utilisation(steady, s.rate()), "% of the rate, without the first and last 5 s");
            report.figure("send.busiest_second", SendTimes.busiestSecond(times), "calls in any one-second window at the simulator (limit " + s.rate() + ")");
            report.figure("send.longest_gap", SendTimes.longestGap(steady), "ms between two consecutive calls at the simulator, steady part");
            SendTimes.save("scale-send-times.txt", times);
            report.check("send.recorded_sent", times.size(), Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?::uuid "
                    + "AND ses_message_id IS NOT NULL", campaign));
            report.check("send.failed", 0, Db.count("SELECT count(*) FROM campaign_recipients WHERE campaign_id = ?::uuid AND status = 'FAILED'", campaign));
            report.check("send.over_the_rate", 0, Math.max(0, SendTimes.busiestSecond(times) - s.rate()));
        } finally {
            for (AppInstance replica : replicas) {
                replica.close();
            }
        }
    }

    /**
     * Replicas that have run for a while are what sends a real campaign: a small campaign of ten seconds' worth of
     * mail is sent to the end first, so the JIT's warm-up is not counted against the rate.
     */
    private void warmUp(Settings s, Deadline deadline) {
        String campaign = Api.draftCampaign();
        List<Map<String, Object>> recipients = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < s.rate() * 10; i++) {
            recipients.add(Map.of("email", "warm-" + run + "-" + i + "@example.com", "data", Map.of("name", "W" + i)));
        }
        given().contentType(ContentType.JSON).body(Map.of("recipients", recipients))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200);
        given().post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        while (!"done".equals(given().get("/api/campaigns/{id}", campaign).path("status"))) {
            deadline.sleepUntil(System.nanoTime() + 500_000_000L, "sending the warm-up campaign");
        }
    }

    /** Set-up, not measured: the messages the send phase did not reach become SENT, as if an earlier run had sent them. */
    private void markTheRestSent(String campaign) {
        long t0 = System.nanoTime();
        int marked = Db.update("UPDATE campaign_recipients SET status = 'SENT', status_rank = ?, ses_message_id = 'scale-' || customer_id, "
                + "sent_at = now(), attempt_count = 1 WHERE campaign_id = ?::uuid AND ses_message_id IS NULL", MessageStatus.SENT.rank(), campaign);
        Db.update("VACUUM ANALYZE");
        report.text("setup.marked_sent", String.format(Locale.ROOT, "%,d messages in %.0f s", marked, (System.nanoTime() - t0) / 1e9));
    }

    /** {@code n} sent messages of the campaign, spread over it. */
    private static List<Population.Recipient> recipients(String campaign, int n) {
        return Db.rows("SELECT ses_message_id, email, customer_id FROM campaign_recipients TABLESAMPLE SYSTEM (10) "
                        + "WHERE campaign_id = ?::uuid AND status = 'SENT' LIMIT ?", campaign, n).stream()
                .map(row -> new Population.Recipient((String) row.get("ses_message_id"), (String) row.get("email"), (UUID) row.get("customer_id")))
                .toList();
    }

    /** One hard bounce per recipient through the queue, drained by this instance's pipeline; returns its steady rate. */
    private double ingest(String name, BenchQueue queue, Population population, Deadline deadline) {
        String[] bodies = new String[population.size()];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = bounce(population, i, name + "-" + i, null);
        }
        int[] noDuplicates = new int[bodies.length];
        Arrays.fill(noDuplicates, -1);
        long suppressedBefore = Db.count("SELECT count(*) FROM suppression_list");
        long quarantinedBefore = Db.count("SELECT count(*) FROM ingest_quarantine");
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC);
        CpuMeter cpu = CpuMeter.start();
        queue.send(TestServers.queueUrl(), bodies, noDuplicates, deadline);
        queue.awaitEmpty(TestServers.queueUrl(), deadline, "waiting for the " + name + " bounces to be applied");
        CpuMeter.Usage usage = cpu.stop();
        List<Long> processed = Db.rows(PROCESSED_SINCE, start).stream().map(row -> Db.instant(row.get("processed_at")).toEpochMilli()).toList();
        double rate = LatencyBenchmark.steadyRate(processed);
        report.figure("ingest." + name + ".rate", rate, "events/s (" + bodies.length + " hard bounces, between the 10th and 90th percentile of commits)");
        report.text("ingest." + name + ".cpu", usage.describe(bodies.length));
        report.check("ingest." + name + ".applied", bodies.length, processed.size());
        report.check("ingest." + name + ".suppressed", bodies.length, Db.count("SELECT count(*) FROM suppression_list") - suppressedBefore);
        report.check("ingest." + name + ".quarantined", 0, Db.count("SELECT count(*) FROM ingest_quarantine") - quarantinedBefore);
        return rate;
    }

    /** The same bounces written straight into PostgreSQL (PostgresCeiling), on other messages of the same size of table. */
    private double ceiling(String name, Population population, Deadline deadline) {
        List<PostgresCeiling.Row> rows = new ArrayList<>(population.size());
        for (int i = 0; i < population.size(); i++) {
            String body = bounce(population, i, name + "-ceiling-" + i, Instant.now());
            if (!(parser.parse(body) instanceof ParsedInput.Event parsed)) {
                throw new IllegalStateException("not an SES event: " + body);
            }
            rows.add(PostgresCeiling.Row.of(parsed.event(), name + "-ceiling-" + i, population.recipient(i), population.campaignId(), json));
        }
        PostgresCeiling.Result result = PostgresCeiling.run(rows, config.ingest().pollers(), deadline);
        double rate = rows.size() / (result.elapsed().toNanos() / 1e9);
        report.figure("ingest." + name + ".postgres_ceiling", rate, "events/s (the same rows in one statement per batch of 10)");
        return rate;
    }

    /** A permanent bounce of the recipient's message with a feedback id of its own, raw; placeholder times unless {@code at}. */
    private static String bounce(Population population, int index, String feedbackId, Instant at) {
        Population.Recipient recipient = population.recipient(index);
        Instant time = at == null ? Instant.EPOCH : at;
        SesFixtures.Event event = SesFixtures.event("publishing/bounce-permanent.json").mailTimestamp(time).eventTimestamp(time)
                .userId("scale").reportType("1").messageId(recipient.sesMessageId()).recipient(recipient.email())
                .campaignId(population.campaignId().toString()).customerId(recipient.customerId().toString()).field("bounce", "feedbackId", feedbackId);
        return event.raw();
    }

    /** p50 and p99 of each campaign read with {@code readers} concurrent clients for {@code readSeconds} each. */
    private void reads(Settings s, String campaign) throws Exception {
        Map<String, Object> middle = Db.row("SELECT email, customer_id FROM campaign_recipients WHERE campaign_id = ?::uuid "
                + "ORDER BY email, customer_id OFFSET ? LIMIT 1", campaign, s.customers() / 2);
        String deep = Cursor.of(middle.get("email"), middle.get("customer_id")).encode();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("stats", "/api/campaigns/" + campaign + "/stats");
        paths.put("campaign", "/api/campaigns/" + campaign);
        paths.put("recipients_first", "/api/campaigns/" + campaign + "/recipients?size=50");
        paths.put("recipients_deep", "/api/campaigns/" + campaign + "/recipients?size=50&cursor=" + deep);
        paths.put("recipients_deep_bounced", "/api/campaigns/" + campaign + "/recipients?size=50&status=BOUNCED&cursor=" + deep);
        paths.put("campaign_list", "/api/campaigns?size=20");
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        String base = "http://localhost:" + RestAssured.port;
        // The reads' code paths warm up first (a few seconds at full speed each), as in a replica that has served for a while.
        for (String path : paths.values()) {
            measure(http, null, URI.create(base + path), s.readers(), 3, 0);
        }
        for (Map.Entry<String, String> read : paths.entrySet()) {
            measure(http, "read." + read.getKey(), URI.create(base + read.getValue()), s.readers(), s.readSeconds(), s.readRate());
        }
        for (Map.Entry<String, String> read : paths.entrySet()) {
            measure(http, "read.saturated." + read.getKey(), URI.create(base + read.getValue()), s.readers(), s.readSeconds(), 0);
        }
        // Offset paging stays for small lists; at page 10,000 of a million it reads 500,000 rows first (for comparison).
        measureOnce(http, "read.recipients_offset_page_10000", URI.create(base + "/api/campaigns/" + campaign + "/recipients?size=50&page=10000"));
    }

    /**
     * {@code readers} clients (reported unless {@code name} is null). Paced ({@code rate} > 0): together {@code rate}
     * requests per second, each on its own schedule; a request's time runs from when it was due, not from when it
     * went out, so a slow answer also counts against the requests queued behind it. Saturated ({@code rate} 0):
     * each sends its next request as soon as the last is answered, which measures the throughput.
     */
    private void measure(HttpClient http, String name, URI uri, int readers, int seconds, int rate) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        long interval = rate == 0 ? 0 : readers * 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            long first = start + r * interval / readers;
            results.add(pool.submit(() -> {
                List<Long> nanos = new ArrayList<>();
                for (long due = first; due < end && System.nanoTime() < end; due += interval) {
                    long wait = due - System.nanoTime();
                    if (interval == 0) {
                        due = System.nanoTime();
                    } else if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    HttpResponse<String> response = http.send(request(uri), HttpResponse.BodyHandlers.ofString());
                    nanos.add(System.nanoTime() - due);
                    if (response.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                }
                return nanos;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get());
        }
        pool.shutdown();
        if (name == null) {
            return;
        }
        double[] ms = all.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        String load = rate == 0 ? String.format(Locale.ROOT, "%,d requests, %.0f/s, %d readers", ms.length, ms.length / (double) seconds, readers)
                : String.format(Locale.ROOT, "%,d requests at %d/s from %d readers", ms.length, rate, readers);
        report.text(name, String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.0f ms; %s",
                percentile(ms, 0.50), percentile(ms, 0.99), ms[ms.length - 1], load));
        report.check(name + ".errors", 0, errors.get());
    }

    private void measureOnce(HttpClient http, String name, URI uri) throws Exception {
        double[] ms = new double[5];
        int status = 0;
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            status = http.send(request(uri), HttpResponse.BodyHandlers.ofString()).statusCode();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        report.text(name, String.format(Locale.ROOT, "median %.0f ms of 5, one reader (HTTP %d)", ms[2], status));
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ApiToken.TOKEN).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double median(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
