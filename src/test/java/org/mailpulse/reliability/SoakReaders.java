package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import org.mailpulse.bench.Population;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent REST readers against one instance, as dashboards and support tools use the API while events stream in:
 * each thread GETs one of the read endpoints at random, waits {@code thinkMillis}, and again, until stopped. Every
 * request's latency is kept with its start time; a non-2xx answer or a failed request (10 s timeout) is an error.
 */
final class SoakReaders {

    /** The endpoints read, in the order of {@link Read#endpoint()}. */
    static final List<String> ENDPOINTS = List.of("campaign stats", "campaign recipients", "message", "report messages", "suppressions", "report daily");

    /** One request: when it started (ms after the soak's start), its latency in microseconds, which endpoint. */
    record Read(long startMillis, long micros, int endpoint) {
    }

    private static final String[] EVENT_TYPES = {"open", "delivery", "click", "bounce", "send"};
    private static final String[] REASONS = {"bounce_hard", "complaint", "unsubscribe", "bounce_soft"};

    private final AppInstance app;
    private final Population population;
    private final int threads;
    private final long thinkMillis;
    private final List<Thread> running = new ArrayList<>();
    private final List<List<Read>> reads = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;
    private long startNanos;

    SoakReaders(AppInstance app, Population population, int threads, long thinkMillis) {
        this.app = app;
        this.population = population;
        this.threads = threads;
        this.thinkMillis = thinkMillis;
    }

    void start(long startNanos) {
        this.startNanos = startNanos;
        for (int t = 0; t < threads; t++) {
            List<Read> mine = new ArrayList<>();
            reads.add(mine);
            Random random = new Random(1000 + t);
            Thread thread = new Thread(() -> loop(random, mine), "soak-reader-" + t);
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
    }

    private void loop(Random random, List<Read> mine) {
        while (!stopped) {
            int endpoint = random.nextInt(ENDPOINTS.size());
            String path = path(endpoint, random);
            long begin = System.nanoTime();
            try {
                HttpResponse<String> response = app.get(path);
                long end = System.nanoTime();
                mine.add(new Read((begin - startNanos) / 1_000_000, (end - begin) / 1_000, endpoint));
                if (response.statusCode() / 100 != 2) {
                    error("HTTP " + response.statusCode() + " for " + path + ": " + abbreviate(response.body()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                mine.add(new Read((begin - startNanos) / 1_000_000, (System.nanoTime() - begin) / 1_000, endpoint));
                error(e + " for " + path);
            }
            try {
                Thread.sleep(thinkMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String path(int endpoint, Random random) {
        String campaign = population.campaignId().toString();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return switch (endpoint) {
            case 0 -> "/api/campaigns/" + campaign + "/stats";
            case 1 -> "/api/campaigns/" + campaign + "/recipients?page=" + random.nextInt(20) + "&size=50"
                    + (random.nextBoolean() ? "&status=OPENED" : "");
            case 2 -> "/api/messages/" + population.recipient(random.nextInt(population.size())).sesMessageId();
            case 3 -> "/api/reports/messages?from=" + today + "&to=" + today + "&eventType=" + EVENT_TYPES[random.nextInt(EVENT_TYPES.length)]
                    + "&page=" + random.nextInt(10) + "&size=50";
            case 4 -> "/api/suppressions?reason=" + REASONS[random.nextInt(REASONS.length)] + "&page=0&size=50";
            case 5 -> "/api/reports/daily?from=" + today.minusDays(6) + "&to=" + today + "&campaignId=" + campaign;
            default -> throw new IllegalArgumentException("endpoint " + endpoint);
        };
    }

    private void error(String what) {
        errors.incrementAndGet();
        if (errorSamples.size() < 10) {
            errorSamples.add(what);
        }
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    /** Stops the readers and waits for the requests in flight. */
    void stop() throws InterruptedException {
        stopped = true;
        for (Thread thread : running) {
            thread.join(30_000);
        }
    }

    /** Every request of every thread; call after {@link #stop()}. */
    List<Read> reads() {
        List<Read> all = new ArrayList<>();
        reads.forEach(all::addAll);
        return all;
    }

    long errors() {
        return errors.get();
    }

    List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }
}
