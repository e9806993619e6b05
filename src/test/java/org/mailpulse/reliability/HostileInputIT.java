package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.mailpulse.reliability.HostileBodies.Body;
import org.mailpulse.reliability.HostileBodies.Expect;
import org.mailpulse.reliability.HostileRequests.Req;
import org.mailpulse.reliability.HostileRequests.Res;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesStore;
import org.mailpulse.testsupport.TestServers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Scenario 4, hostile input. Thousands of mutated SES bodies go through SQS into an ingesting instance, and
 * thousands of hostile REST requests hit every endpoint family of both instances, while a campaign whose placeholder
 * data and names carry CRLF and header lines is really sent. Nothing crashes, every bad body is quarantined (and
 * every tolerable one applied exactly once), every bad request gets a 4xx problem+json, and no injected header
 * reaches a mail.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class HostileInputIT {

    private static final String EVIL = "attacker@evil.test";

    @Test
    void hostileInputCrashesNothingAndIsAccountedFor() throws Exception {
        ApiToken.install();
        int bodyCount = Scale.of(1_000, 10_000);
        int requestCount = Scale.of(300, 2_000);
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String standby = (RestAssured.baseURI == null ? "http://localhost" : RestAssured.baseURI) + ":" + RestAssured.port;

        try (AppInstance worker = AppInstance.start("hostile", "-Dmailpulse.sending.enabled=true",
                "-Dmailpulse.reputation.enabled=false", "-Dmailpulse.reports.rollup-enabled=false")) {
            worker.awaitReady(Duration.ofSeconds(120));
            long phase = System.nanoTime();

            // ------------------------------------------------------------ mail header injection, really sent
            MailOutcome mail = sendHostileCampaign(worker.baseUrl(), run);
            phase = phase("hostile campaign sent", phase);

            // ------------------------------------------------------------ SQS bodies
            HostileBodies generator = new HostileBodies(run, 4_2024L);
            List<Body> bodies = generator.generate(bodyCount);
            List<Body> rawCharacters = new ArrayList<>();
            int next = bodyCount;
            for (String character : HostileBodies.sqsHostileCharacters()) {
                for (int k = 0; k < 2; k++) {
                    rawCharacters.add(generator.withRawCharacter(next++, character));
                }
            }
            Map<Integer, String> sqsIds = new HashMap<>();
            Map<Integer, String> refusedBySqs = new TreeMap<>();
            send(bodies, sqsIds, refusedBySqs, false);
            send(rawCharacters, sqsIds, refusedBySqs, true);
            List<Body> all = new ArrayList<>(bodies);
            all.addAll(rawCharacters);
            List<Body> sent = all.stream().filter(b -> sqsIds.containsKey(key(b))).toList();
            phase = phase("bodies enqueued", phase);

            // ------------------------------------------------------------ REST requests, while ingestion runs
            HostileRequests.Fixture fixture = restFixture(worker.baseUrl(), run, mail.expiredToken());
            List<Req> requests = new HostileRequests(fixture, 77L).generate(requestCount);
            RestTally rest = new RestTally();
            for (int i = 0; i < requests.size(); i++) {
                Req r = requests.get(i);
                String target = i % 2 == 0 ? standby : worker.baseUrl();
                Res res;
                try {
                    res = HostileRequests.send(target, r);
                } catch (java.io.IOException e) {
                    rest.fail(r, "no answer: " + e);
                    continue;
                }
                rest.judge(r, res);
            }

            phase = phase("requests answered", phase);

            // ------------------------------------------------------------ ingestion accounting
            boolean drained = true;
            try {
                Queue.awaitDrained(Duration.ofSeconds(Scale.of(120, 600)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                drained = false; // accounted below: what is still on the queue shows up as lost
            }
            phase("queue drained", phase);
            Accounting acc = account(generator, sent, sqsIds);

            assertThat(worker.isAlive()).as("worker alive; log " + worker.logFile()).isTrue();
            assertThat(worker.readiness()).as("worker readiness").isEqualTo(200);
            assertThat(given().baseUri("http://localhost").port(TestServers.managementPort()).get("/q/health/ready").statusCode()).as("standby readiness").isEqualTo(200);
            assertThat(Db.count("select count(*) from customers")).as("the customers table survived the injections").isPositive();
            int dlq = Queue.depth(TestServers.deadLetterQueueUrl());
            double quarantinedMetric = worker.metric("mailpulse_ingest_quarantined_total");
            double ignoredMetric = worker.metric("mailpulse_ingest_ignored_total");
            double duplicatesMetric = worker.metric("mailpulse_ingest_duplicates_total");
            String workerLog = worker.log();
            System.out.println("HOSTILE far event times stored: " + Db.rows("select distinct event_time::text as t from email_events_op "
                    + "where ses_message_id like ? and (event_time > '3000-01-01' or event_time < '0002-01-01')", generator.tagPrefix() + "%"));

            System.out.println("HOSTILE bodies by kind: " + acc.byKind);
            System.out.println("HOSTILE refused by SQS: " + refusedBySqs);
            System.out.println("HOSTILE REST by family/status: " + rest.byFamily);
            System.out.println("HOSTILE REST 4xx without problem+json (HTTP layer): " + rest.nonProblem);
            System.out.println("HOSTILE mail: " + mail);
            acc.mismatches.stream().limit(40).forEach(m -> System.out.println("HOSTILE body mismatch: " + m));
            rest.failures.stream().limit(60).forEach(f -> System.out.println("HOSTILE request failure: " + f));

            String figures = "%d bodies: %d quarantined, %d applied, %d duplicates, %d ignored, %d lost, %d refused by SQS, DLQ %d; "
                    .formatted(all.size(), acc.quarantined, acc.applied, acc.duplicates, acc.ignored, acc.lost, refusedBySqs.size(), dlq)
                    + "%d requests: %d 4xx problem+json, %d 4xx pages, %d 4xx from the HTTP layer, %d accepted verbatim, %d 5xx; "
                    .formatted(rest.total, rest.problems, rest.pages, rest.httpLayer, rest.accepted, rest.serverErrors)
                    + "%d mails, %d injected headers; instance alive, readiness UP".formatted(mail.mails(), mail.injected());
            Figures.print("hostile", figures);

            assertThat(drained).as("input queue drained; still on it: " + Queue.depth(TestServers.queueUrl())).isTrue();
            assertThat(acc.mismatches).as("bodies whose outcome is not the expected one").isEmpty();
            assertThat(acc.lost).as("bodies lost").isZero();
            assertThat(acc.quarantined + acc.applied + acc.duplicates + acc.ignored).as("every sent body accounted for").isEqualTo(sent.size());
            assertThat(dlq).as("dead-letter queue").isZero();
            assertThat(Queue.depth(TestServers.queueUrl())).as("input queue drained").isZero();
            assertThat((long) quarantinedMetric).as("quarantine metric").isEqualTo(acc.quarantined);
            assertThat((long) ignoredMetric).as("ignored metric").isEqualTo(acc.ignored);
            assertThat((long) duplicatesMetric).as("duplicates metric").isEqualTo(acc.duplicates);
            assertThat(workerLog).as("worker log").doesNotContain("OutOfMemoryError").doesNotContain("Poller 0 stopped unexpectedly")
                    .doesNotContain("StackOverflowError");
            assertThat(rest.failures).as("requests answered wrongly").isEmpty();
            assertThat(rest.serverErrors).isZero();
            assertThat(rest.total).isGreaterThanOrEqualTo(requestCount);
            assertThat(all.size()).isGreaterThanOrEqualTo(bodyCount);
            assertThat(mail.injected()).as("injected headers").isZero();
        }
    }

    // ================================================================================================ SQS

    private static long phase(String what, long since) {
        System.out.printf("HOSTILE %s in %.1f s%n", what, (System.nanoTime() - since) / 1e9);
        return System.nanoTime();
    }

    /** Batches of ten (big bodies alone, a batch under 200 KB); {@code oneByOne} for bodies SQS may refuse. */
    private static void send(List<Body> bodies, Map<Integer, String> sqsIds, Map<Integer, String> refused, boolean oneByOne) {
        try (SqsClient sqs = TestServers.sqs()) {
            List<Body> batch = new ArrayList<>();
            int bytes = 0;
            for (Body b : bodies) {
                int size = b.text().getBytes(StandardCharsets.UTF_8).length;
                if (!batch.isEmpty() && (oneByOne || batch.size() == 10 || bytes + size > 200_000)) {
                    sendBatch(sqs, batch, sqsIds, refused);
                    batch.clear();
                    bytes = 0;
                }
                batch.add(b);
                bytes += size;
            }
            if (!batch.isEmpty()) {
                sendBatch(sqs, batch, sqsIds, refused);
            }
        }
    }

    private static void sendBatch(SqsClient sqs, List<Body> batch, Map<Integer, String> sqsIds, Map<Integer, String> refused) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(String.valueOf(i)).messageBody(batch.get(i).text()).build());
        }
        try {
            var response = sqs.sendMessageBatch(b -> b.queueUrl(TestServers.queueUrl()).entries(entries));
            response.successful().forEach(ok -> sqsIds.put(key(batch.get(Integer.parseInt(ok.id()))), ok.messageId()));
            response.failed().forEach(f -> refused.put(batch.get(Integer.parseInt(f.id())).index(),
                    batch.get(Integer.parseInt(f.id())).kind() + ": " + f.code()));
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                for (Body b : batch) {
                    sendBatch(sqs, List.of(b), sqsIds, refused);
                }
            } else {
                refused.put(batch.get(0).index(), batch.get(0).kind() + ": " + e.getClass().getSimpleName());
            }
        }
    }

    /** Every body has its own index (a duplicate shares only its original's text and tag). */
    private static int key(Body b) {
        return b.index();
    }

    private static final class Accounting {
        long quarantined;
        long applied;
        long duplicates;
        long ignored;
        long lost;
        final List<String> mismatches = new ArrayList<>();
        final Map<String, Map<String, Integer>> byKind = new TreeMap<>();
    }

    private static Accounting account(HostileBodies generator, List<Body> sent, Map<Integer, String> sqsIds) throws Exception {
        Accounting acc = new Accounting();
        String ids = String.join(",", sent.stream().map(b -> sqsIds.get(key(b))).toList());
        Map<String, Map<String, Object>> quarantine = new HashMap<>();
        for (Map<String, Object> row : Db.rows("select sqs_message_id, reason, md5(body) as digest, body_truncated from ingest_quarantine "
                + "where sqs_message_id = any(string_to_array(?, ','))", ids)) {
            quarantine.put((String) row.get("sqs_message_id"), row);
        }
        Map<String, Long> historyRows = new HashMap<>();
        Pattern tagPattern = Pattern.compile("^(" + Pattern.quote(generator.tagPrefix()) + "[0-9]+-)");
        for (Map<String, Object> row : Db.rows("select left(ses_message_id, 40) as id from email_events_op where ses_message_id like ?",
                generator.tagPrefix() + "%")) {
            Matcher m = tagPattern.matcher((String) row.get("id"));
            if (m.find()) {
                historyRows.merge(m.group(1), 1L, Long::sum);
            }
        }
        long detailRows = Db.count("select count(*) from ses_report_detail where message_id like ?", generator.tagPrefix() + "%");
        long historyTotal = historyRows.values().stream().mapToLong(Long::longValue).sum();
        if (detailRows != historyTotal) {
            acc.mismatches.add("report detail rows " + detailRows + " != history rows " + historyTotal);
        }
        Map<String, Integer> claimed = new HashMap<>();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (Body b : sent) {
            String sqsId = sqsIds.get(key(b));
            Map<String, Object> q = quarantine.get(sqsId);
            String actual;
            if (q != null) {
                actual = "QUARANTINED";
                acc.quarantined++;
                String reason = (String) q.get("reason");
                if (reason == null || reason.isBlank()) {
                    acc.mismatches.add("#" + b.index() + " " + b.kind() + ": quarantined without a reason");
                }
                String digest = HexFormat.of().formatHex(md5.digest(b.text().getBytes(StandardCharsets.UTF_8)));
                if (!Boolean.TRUE.equals(q.get("body_truncated")) && !digest.equals(q.get("digest"))) {
                    acc.mismatches.add("#" + b.index() + " " + b.kind() + ": quarantined body differs from the body sent");
                }
            } else {
                long rows = historyRows.getOrDefault(b.tag(), 0L);
                int used = claimed.merge(b.tag(), 1, Integer::sum);
                if (rows > 1) {
                    acc.mismatches.add("#" + b.index() + " " + b.kind() + ": applied " + rows + " times");
                }
                if (rows >= 1 && used == 1) {
                    actual = "APPLIED";
                    acc.applied++;
                } else if (rows >= 1) {
                    actual = "DUPLICATE";
                    acc.duplicates++;
                } else if (b.expect() == Expect.IGNORED) {
                    actual = "IGNORED";
                    acc.ignored++;
                } else {
                    actual = "LOST";
                    acc.lost++;
                }
            }
            boolean ok = switch (b.expect()) {
                case EITHER -> actual.equals("APPLIED") || actual.equals("QUARANTINED");
                default -> actual.equals(b.expect().name());
            };
            if (!ok) {
                acc.mismatches.add("#" + b.index() + " " + b.kind() + ": expected " + b.expect() + ", was " + actual
                        + (q != null ? " (" + q.get("reason") + ")" : ""));
            }
            String kind = b.kind().replaceAll("#\\d+", "#").replaceAll("'.*'", "'…'");
            acc.byKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(actual, 1, Integer::sum);
        }
        return acc;
    }

    // ================================================================================================ REST

    private static final class RestTally {
        int total;
        int problems;
        int pages;
        int httpLayer;
        int accepted;
        int serverErrors;
        final List<String> failures = new ArrayList<>();
        final List<String> nonProblem = new ArrayList<>();
        final Map<String, Map<Integer, Integer>> byFamily = new TreeMap<>();

        void fail(Req r, String why) {
            total++;
            failures.add(r.describe() + " → " + why);
        }

        void judge(Req r, Res res) {
            total++;
            byFamily.computeIfAbsent(r.family(), k -> new TreeMap<>()).merge(res.status(), 1, Integer::sum);
            boolean problemJson = res.contentType().toLowerCase(Locale.ROOT).startsWith("application/problem+json");
            boolean html = res.contentType().toLowerCase(Locale.ROOT).startsWith("text/html");
            int status = res.status();
            List<String> wrong = new ArrayList<>();
            if (status >= 500) {
                serverErrors++;
                wrong.add("5xx");
            }
            boolean ours = problemJson || html || res.contentType().startsWith("application/json");
            if (ours && (res.body().contains("Exception") || res.body().matches("(?s).*\\bat (org|io|java|jdk|com)\\.[\\w.$]+\\(.*"))) {
                wrong.add("stack trace in the body");
            }
            for (String header : res.headers().keySet()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.equals("bcc") || h.equals("x-injected") || h.equals("cc")) {
                    wrong.add("injected response header " + header);
                }
            }
            if (problemJson && status >= 400) {
                var json = res.json();
                if (json == null || json.path("status").asInt() != status || !json.path("title").isTextual()) {
                    wrong.add("problem+json without status/title");
                }
            }
            HostileRequests.Expect expect = r.expect();
            if (status == 414 && r.path().length() > 4_000) {
                expect = HostileRequests.Expect.REFUSED; // the HTTP layer's 4,096-byte request line limit answers first
            }
            switch (expect) {
                case PROBLEM -> {
                    if (status < 400 || status >= 500 || !problemJson) {
                        wrong.add("expected 4xx problem+json");
                    } else {
                        problems++;
                    }
                }
                case ACCEPTED -> {
                    if (status / 100 != 2 || !res.contentType().startsWith("application/json")) {
                        wrong.add("expected 2xx JSON");
                    } else {
                        accepted++;
                    }
                }
                case NO_5XX, REFUSED -> {
                    if (expect == HostileRequests.Expect.REFUSED && status / 100 != 4) {
                        wrong.add("expected 4xx");
                    } else if (status / 100 == 2) {
                        accepted++;
                    } else if (status / 100 == 4 && problemJson) {
                        problems++;
                    } else if (status / 100 == 4) {
                        httpLayer++;
                        nonProblem.add(r.describe() + " → " + status + " " + res.contentType());
                    } else if (status < 500) {
                        wrong.add("unexpected status");
                    }
                }
                case PAGE -> {
                    if (status / 100 != 4 || !(html || problemJson)) {
                        wrong.add("expected a 4xx page");
                    } else {
                        pages++;
                    }
                }
            }
            if (r.check() != null && status < 500) {
                String problem = r.check().apply(res);
                if (problem != null) {
                    wrong.add(problem);
                }
            }
            if (!wrong.isEmpty()) {
                String body = res.body().length() > 300 ? res.body().substring(0, 300) + "…" : res.body();
                failures.add(r.describe() + " → " + status + " " + res.contentType() + " " + wrong + " " + body.replace("\n", " "));
            }
        }
    }

    /** Things that exist, for the requests that need them. */
    private static HostileRequests.Fixture restFixture(String base, String run, String expiredToken) {
        String customer = api(base).contentType(ContentType.JSON).body(Map.of("email", "fixture-" + run + "@hostile-rest.test", "name", "F"))
                .post("/api/customers").then().statusCode(201).extract().path("id");
        String template = api(base).contentType(ContentType.JSON).body(Map.of("name", "hostile", "provider", "internal",
                        "subject", "Hi {{name}}", "textBody", "Hello {{name}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        // a draft that is never queued: hostile enrolments land here and are never sent
        String draft = api(base).contentType(ContentType.JSON).body(Map.of("name", "hostile sink", "templateId", template,
                        "scheduledAt", "2999-01-01T00:00:00Z"))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        return new HostileRequests.Fixture(customer, template, draft, expiredToken, null, run);
    }

    private static RequestSpecification api(String base) {
        return given().baseUri(base);
    }

    // ================================================================================================ mail

    record MailOutcome(int mails, int injected, String expiredToken, List<String> findings) {
    }

    /**
     * CRLF and header lines in a customer name (CSV import), in placeholder data (JSON and CSV enrolment) and in the
     * campaign name, refused where the API refuses them, otherwise sent; then every mail is read back from SES.
     */
    private static MailOutcome sendHostileCampaign(String base, String run) {
        String injection = "\r\nBcc: " + EVIL;
        // a subject with a line break, and a customer with one in the name, are refused outright
        api(base).contentType(ContentType.JSON).body(Map.of("name", "bad", "provider", "internal", "subject", "Hi" + injection, "textBody", "x"))
                .post("/api/templates").then().statusCode(400).contentType("application/problem+json");
        api(base).contentType(ContentType.JSON).body(Map.of("email", "crlf-" + run + "@example.com", "name", "Eve" + injection))
                .post("/api/customers").then().statusCode(400).contentType("application/problem+json");
        api(base).contentType(ContentType.JSON).body(Map.of("email", "victim-" + run + "@example.com" + injection))
                .post("/api/customers").then().statusCode(400).contentType("application/problem+json");

        String imported = "imported-" + run + "@example.com";
        api(base).contentType("text/csv").body("email,name,company,country\n" + imported + ",\"Ivy" + injection + "\",\"=cmd|' /C calc'!A0\",GB\n")
                .post("/api/customers/import").then().statusCode(200).body("created", equalTo(1));
        String importedName = api(base).get("/api/customers?email=" + imported).then().statusCode(200).extract().path("items[0].name");
        assertThat(importedName).as("a line break in an imported name is neutralised").doesNotContain("\r").doesNotContain("\n")
                .contains("Bcc: " + EVIL);
        String importedCompany = api(base).get("/api/customers?email=" + imported).then().extract().path("items[0].company");
        assertThat(importedCompany).as("a formula cell is stored verbatim (there is no CSV export)").isEqualTo("=cmd|' /C calc'!A0");

        String template = api(base).contentType(ContentType.JSON).body(Map.of("name", "Hostile\r\nBcc: " + EVIL, "provider", "internal",
                        "subject", "Hi {{name}} from {{company}}", "htmlBody", "<p>Hi {{name}}</p><a href=\"{{unsubscribeUrl}}\">u</a>",
                        "textBody", "Hi {{name}}\n{{company}}"))
                .post("/api/templates").then().statusCode(201).extract().path("id");
        String campaignName = "Campaign" + injection;
        String campaign = api(base).contentType(ContentType.JSON).body(Map.of("name", campaignName, "templateId", template))
                .post("/api/campaigns").then().statusCode(201).body("name", equalTo(campaignName)).extract().path("id");

        String eve = "eve-" + run + "@example.com";
        String zed = "zed-" + run + "@example.com";
        String mallory = "mallory-" + run + "@example.com";
        List<Map<String, Object>> recipients = List.of(
                Map.of("email", eve, "data", Map.of("name", "Eve" + injection, "company", "X\r\nSubject: pwned\r\n\r\nbody")),
                Map.of("email", zed, "data", Map.of("name", "=cmd|' /C calc'!A0", "company", "\nTo: victim@evil.test\nCc: " + EVIL)),
                Map.of("email", "victim@example.com" + injection, "data", Map.of("name", "V", "company", "C")));
        api(base).contentType(ContentType.JSON).body(Map.of("recipients", recipients))
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200)
                .body("enrolled", equalTo(2)).body("rejectedCount", equalTo(1));
        api(base).contentType("text/csv").body("email,name,company\n" + mallory + ",\"Mallory" + injection + "\",\"=HYPERLINK(\"\"http://evil.test\"\")\"\n"
                        + imported + ",\"Ivy\r\nCc: " + EVIL + "\",\"+SUM(1+1)\"\n")
                .post("/api/campaigns/{id}/recipients", campaign).then().statusCode(200).body("enrolled", equalTo(2));
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ?::uuid and template_data->>'company' = '=HYPERLINK(\"http://evil.test\")'",
                campaign)).as("formula cells are kept verbatim in the placeholder data").isOne();

        api(base).post("/api/campaigns/{id}/queue", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(api(base).get("/api/campaigns/{id}", campaign).path("status")));

        List<Map<String, Object>> store = SesStore.all();
        List<String> findings = new ArrayList<>();
        int mails = 0;
        int injected = 0;
        String expiredToken = null;
        for (String address : List.of(eve, zed, mallory, imported)) {
            List<Map<String, Object>> received = SesStore.mailsTo(address, store);
            assertThat(received).as(address).hasSize(1);
            Map<String, Object> m = received.get(0);
            mails++;
            String subject = String.valueOf(m.get("subject"));
            if (subject.contains("\r") || subject.contains("\n")) {
                injected++;
                findings.add(address + ": raw line break in the subject");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> destination = (Map<String, Object>) m.get("destination");
            for (String field : List.of("cc", "bcc")) {
                Object list = destination == null ? null : destination.get(field);
                if (list instanceof List<?> l && !l.isEmpty()) {
                    injected++;
                    findings.add(address + ": " + field + " " + l);
                }
            }
            if (destination != null && !List.of(address).equals(destination.get("to"))) {
                injected++;
                findings.add(address + ": to " + destination.get("to"));
            }
            @SuppressWarnings("unchecked")
            List<Map<String, String>> headers = (List<Map<String, String>>) m.getOrDefault("headers", List.of());
            for (Map<String, String> h : headers) {
                String name = String.valueOf(h.get("name")).toLowerCase(Locale.ROOT);
                String value = String.valueOf(h.get("value"));
                if (List.of("bcc", "cc", "to", "subject", "x-injected").contains(name) || value.contains("\r") || value.contains("\n")
                        || value.contains(EVIL)) {
                    injected++;
                    findings.add(address + ": header " + name + ": " + value);
                }
            }
            if (address.equals(eve)) {
                assertThat(subject).isEqualTo("Hi Eve Bcc: " + EVIL + " from X Subject: pwned body");
                String link = SesStore.header(m, "List-Unsubscribe").orElseThrow();
                Matcher token = Pattern.compile("/unsubscribe/([A-Za-z0-9_-]{43})>").matcher(link);
                assertThat(token.find()).isTrue();
                expiredToken = token.group(1);
            }
        }
        for (Map<String, Object> m : store) {
            if (String.valueOf(m).contains(EVIL) && String.valueOf(m.get("destination")).contains(EVIL)) {
                injected++;
                findings.add("a mail went to " + EVIL + ": " + m.get("destination"));
            }
        }
        // the link of Eve's mail, expired: the hostile requests try it
        Db.update("update unsubscribe_tokens set expires_at = now() - interval '1 day' where email = ?", eve);
        return new MailOutcome(mails, injected, expiredToken, findings);
    }
}
