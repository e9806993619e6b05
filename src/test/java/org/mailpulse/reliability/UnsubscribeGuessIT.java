package org.mailpulse.reliability;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6: guessing one-click unsubscribe links. A million POSTs (the RFC 8058 one-click request, the one that
 * changes something) with well-formed random tokens and near misses of real ones (one character changed, cut
 * short, case flipped, padded) must unsubscribe nobody, while the real links still work.
 */
@QuarkusIntegrationTest
@TestProfile(ReliabilityProfile.class)
class UnsubscribeGuessIT {

    private static final int GUESSES = Scale.of(20_000, 1_000_000);
    private static final int REAL_TOKENS = 1_000;
    private static final int CONCURRENCY = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    @Test
    void guessesFindNoToken() throws Exception {
        String run = "guess" + Long.toString(System.nanoTime() % 1_000_000, 36);
        SecureRandom secure = new SecureRandom();
        List<String> real = new ArrayList<>();
        for (int i = 0; i < REAL_TOKENS; i++) {
            byte[] raw = new byte[32];
            secure.nextBytes(raw);
            String token = BASE64URL.encodeToString(raw);
            real.add(token);
            Db.update("INSERT INTO unsubscribe_tokens (token_id, token_hash, email, expires_at) VALUES (gen_random_uuid(), ?, ?, ?)",
                    sha256(token), "u" + i + "-" + run + "@guess.example.test", java.sql.Timestamp.from(Instant.now().plus(30, ChronoUnit.DAYS)));
        }

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = RestAssured.baseURI + ":" + RestAssured.port + "/unsubscribe/";
        Random random = new Random(GUESSES);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < GUESSES; i++) {
            String guess = guess(random, real, i);
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + guess)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
            inFlight.acquire();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null) {
                    failures.incrementAndGet();
                } else {
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(CONCURRENCY);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(failures.get()).as("requests without an answer").isZero();
        assertThat(statuses.keySet()).as("answers to guesses").containsOnly(404);
        assertThat(Db.count("SELECT count(*) FROM unsubscribe_tokens WHERE email LIKE ? AND used_at IS NOT NULL", "%-" + run + "@%")).isZero();
        assertThat(Db.count("SELECT count(*) FROM suppression_list WHERE email LIKE ?", "%-" + run + "@%")).isZero();

        // The same requests with a real token do unsubscribe: the guesses failed because they were wrong.
        HttpResponse<String> genuine = http.send(HttpRequest.newBuilder(URI.create(base + real.get(0)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(genuine.statusCode()).isEqualTo(200);
        assertThat(Db.count("SELECT count(*) FROM suppression_list WHERE email = ?", "u0-" + run + "@guess.example.test")).isEqualTo(1);

        Figures.print("tokens", "%,d one-click POSTs with guessed tokens (random 256-bit, and near misses of %,d live ones): 0 accepted, all 404, "
                .formatted(GUESSES, REAL_TOKENS) + "%,.0f guesses/s over %d connections, 0 addresses unsubscribed; a live token still works".formatted(
                GUESSES / seconds, CONCURRENCY));
    }

    /** Mostly random well-formed tokens; every fourth a near miss of a live one. */
    private static String guess(Random random, List<String> real, int i) {
        if (i % 4 != 0) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            return BASE64URL.encodeToString(raw);
        }
        String token = real.get(random.nextInt(real.size()));
        return switch (i / 4 % 4) {
            case 0 -> {
                char[] chars = token.toCharArray();
                int at = random.nextInt(chars.length);
                chars[at] = chars[at] == 'A' ? 'B' : 'A';
                yield new String(chars);
            }
            case 1 -> token.substring(0, 1 + random.nextInt(token.length() - 1));
            case 2 -> flipCase(token);
            default -> token + "A";
        };
    }

    private static String flipCase(String token) {
        StringBuilder flipped = new StringBuilder(token.length());
        for (char c : token.toCharArray()) {
            flipped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        String result = flipped.toString();
        return result.equals(token) ? token + "a" : result;
    }

    private static byte[] sha256(String token) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
