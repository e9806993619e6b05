package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The SES account-level suppression list of the simulator, served over the SES v2 REST wire protocol as the AWS SDK
 * sends and parses it:
 * <ul>
 *   <li>PutSuppressedDestination: {@code PUT /v2/email/suppression/addresses}, body
 *       {@code {"EmailAddress", "Reason": "BOUNCE"|"COMPLAINT"}}, answer {@code {}};</li>
 *   <li>GetSuppressedDestination: {@code GET /v2/email/suppression/addresses/{EmailAddress}}, answer
 *       {@code {"SuppressedDestination": {"EmailAddress", "Reason", "LastUpdateTime"}}} or 404 NotFoundException;</li>
 *   <li>DeleteSuppressedDestination: {@code DELETE /v2/email/suppression/addresses/{EmailAddress}}, answer {@code {}}
 *       or 404 NotFoundException;</li>
 *   <li>ListSuppressedDestinations: {@code GET /v2/email/suppression/addresses} with the query parameters
 *       {@code StartDate}, {@code EndDate} (ISO-8601 as the SDK writes them, or epoch seconds; both bounds
 *       inclusive), {@code Reason} (repeated), {@code NextToken}, {@code PageSize} (1-1000, default 1000), answer
 *       {@code {"SuppressedDestinationSummaries": [{"EmailAddress", "Reason", "LastUpdateTime"}], "NextToken"}}.
 *       Entries come oldest update first; the token names the last entry returned, so paging is stable while the
 *       list changes.</li>
 * </ul>
 * Timestamps are answered as epoch seconds, the rest-json default the SDK parses. Addresses are kept lowercase.
 * {@link #DEFAULT_ADDRESS} is on the list from the start, as {@code suppressionlist@simulator.amazonses.com} is on
 * every real account's.
 */
public final class AccountSuppressionList {

    public static final String PATH = "/v2/email/suppression/addresses";
    public static final String DEFAULT_ADDRESS = "suppressionlist@simulator.amazonses.com";
    static final int MAX_PAGE_SIZE = 1000;
    private static final Set<String> REASONS = Set.of("BOUNCE", "COMPLAINT");

    /** One entry of the list. */
    public record Entry(String emailAddress, String reason, Instant lastUpdateTime) {
    }

    /** What the HTTP layer sends back. */
    record Answer(int status, String errorType, byte[] body) {
    }

    private final ObjectMapper json;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Optional<Fault>> nextFaults = new ConcurrentLinkedQueue<>();

    AccountSuppressionList(ObjectMapper json) {
        this.json = json;
        reset();
    }

    /** Puts an address on the list (or updates it), as PutSuppressedDestination does, at the given time. */
    public void put(String emailAddress, String reason, Instant at) {
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("reason must be BOUNCE or COMPLAINT: " + reason);
        }
        String address = emailAddress.trim().toLowerCase(Locale.ROOT);
        entries.put(address, new Entry(address, reason, at.truncatedTo(ChronoUnit.MILLIS)));
    }

    /** The list, oldest update first (a snapshot). */
    public List<Entry> entries() {
        return entries.values().stream().sorted(ORDER).toList();
    }

    /** The next {@code count} suppression-list requests fail with that fault; successive calls queue up in order. */
    public void failNext(int count, Fault fault) {
        failNext(0, count, fault);
    }

    /** After {@code after} more suppression-list requests are answered, the {@code count} next ones fail with that fault. */
    public void failNext(int after, int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < after; i++) {
            nextFaults.add(Optional.empty());
        }
        for (int i = 0; i < count; i++) {
            nextFaults.add(Optional.of(fault));
        }
    }

    /** Faults armed and not consumed yet. */
    public int pendingFaults() {
        return (int) nextFaults.stream().filter(Optional::isPresent).count();
    }

    /** Back to the initial list ({@link #DEFAULT_ADDRESS} only), no faults armed. */
    public void reset() {
        nextFaults.clear();
        entries.clear();
        put(DEFAULT_ADDRESS, "BOUNCE", Instant.parse("2020-01-01T00:00:00Z"));
    }

    boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    Answer handle(String method, String path, String rawQuery, byte[] body) {
        Optional<Fault> armed = nextFaults.poll();
        Fault fault = armed == null ? null : armed.orElse(null);
        if (fault != null) {
            return error(fault.status(), fault.errorType(), fault.message());
        }
        String address = path.equals(PATH) ? null
                : URLDecoder.decode(path.substring(PATH.length() + 1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        try {
            return switch (method + (address == null ? " list" : " one")) {
                case "PUT list" -> putFrom(body);
                case "GET list" -> list(query(rawQuery));
                case "GET one" -> get(address);
                case "DELETE one" -> entries.remove(address) == null ? notFound(address) : ok(json.createObjectNode());
                default -> error(404, "NotFoundException", "No such operation: " + method + " " + path);
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return error(400, "BadRequestException", e.getMessage());
        }
    }

    private Answer putFrom(byte[] body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("The body is not JSON: " + e.getMessage());
        }
        String address = request.path("EmailAddress").asText("");
        if (address.isBlank() || !address.contains("@")) {
            throw new IllegalArgumentException("EmailAddress is not a valid email address: " + address);
        }
        put(address, request.path("Reason").asText(""), Instant.now());
        return ok(json.createObjectNode());
    }

    private Answer get(String address) {
        Entry entry = entries.get(address);
        if (entry == null) {
            return notFound(address);
        }
        ObjectNode answer = json.createObjectNode();
        ObjectNode destination = summary(answer.putObject("SuppressedDestination"), entry);
        destination.putObject("Attributes");
        return ok(answer);
    }

    private Answer list(Map<String, List<String>> query) {
        Instant start = time(first(query, "StartDate"));
        Instant end = time(first(query, "EndDate"));
        List<String> reasons = query.getOrDefault("Reason", List.of());
        for (String reason : reasons) {
            if (!REASONS.contains(reason)) {
                throw new IllegalArgumentException("Reason must be BOUNCE or COMPLAINT: " + reason);
            }
        }
        String size = first(query, "PageSize");
        int pageSize = size == null ? MAX_PAGE_SIZE : Integer.parseInt(size);
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("PageSize must be between 1 and " + MAX_PAGE_SIZE + ": " + pageSize);
        }
        String token = first(query, "NextToken");
        Entry after = token == null ? null : decodeToken(token);
        if (token != null && after == null) {
            return error(400, "InvalidNextTokenException", "The NextToken is not valid.");
        }
        List<Entry> matching = new ArrayList<>();
        for (Entry entry : entries()) {
            if ((start == null || !entry.lastUpdateTime().isBefore(start))
                    && (end == null || !entry.lastUpdateTime().isAfter(end))
                    && (reasons.isEmpty() || reasons.contains(entry.reason()))
                    && (after == null || ORDER.compare(entry, after) > 0)) {
                matching.add(entry);
            }
        }
        ObjectNode answer = json.createObjectNode();
        ArrayNode summaries = answer.putArray("SuppressedDestinationSummaries");
        List<Entry> page = matching.subList(0, Math.min(pageSize, matching.size()));
        page.forEach(entry -> summary(summaries.addObject(), entry));
        if (matching.size() > page.size()) {
            answer.put("NextToken", encodeToken(page.get(page.size() - 1)));
        }
        return ok(answer);
    }

    private static ObjectNode summary(ObjectNode node, Entry entry) {
        node.put("EmailAddress", entry.emailAddress());
        node.put("Reason", entry.reason());
        node.put("LastUpdateTime", BigDecimal.valueOf(entry.lastUpdateTime().toEpochMilli(), 3));
        return node;
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::lastUpdateTime).thenComparing(Entry::emailAddress);

    private static String encodeToken(Entry last) {
        String key = last.lastUpdateTime().toEpochMilli() + " " + last.emailAddress();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Entry decodeToken(String token) {
        try {
            String key = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int space = key.indexOf(' ');
            return new Entry(key.substring(space + 1), "BOUNCE", Instant.ofEpochMilli(Long.parseLong(key.substring(0, space))));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        if (value.matches("\\d+(\\.\\d+)?")) {
            return Instant.ofEpochMilli(new BigDecimal(value).movePointRight(3).longValue());
        }
        return Instant.parse(value);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private Answer notFound(String address) {
        return error(404, "NotFoundException", "Email address " + address + " does not exist on your suppression list.");
    }

    private Answer ok(ObjectNode body) {
        try {
            return new Answer(200, null, json.writeValueAsBytes(body));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Answer error(int status, String errorType, String message) {
        try {
            return new Answer(status, errorType, json.writeValueAsBytes(json.createObjectNode().put("message", message)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
