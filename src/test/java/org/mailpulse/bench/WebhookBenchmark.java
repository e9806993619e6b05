package org.mailpulse.bench;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.WebhookReceiver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outbound webhooks: (1) deliveries per second from this one instance to a fast local receiver; (2) ingestion
 * throughput (SES Delivery events through SQS, the real pipeline) with 0, 1 and 5 subscribed endpoints, as a ratio
 * to the run with none. Each configuration runs {@code bench.webhook.runs} times (median quoted) with
 * {@code bench.webhook.events} events. Run: {@code ./mvnw test -Dtest=WebhookBenchmark -Dbench.webhook.events=2000}.
 */
@QuarkusTest
class WebhookBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.webhook.events", 2000);
    private static final int RUNS = Integer.getInteger("bench.webhook.runs", 3);
    private static final int DELIVERIES = Integer.getInteger("bench.webhook.deliveries", 5000);

    @Test
    void deliveriesAndIngestionCost() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Db.update("delete from webhook_endpoints");
            double deliveriesPerSecond = deliveriesPerSecond(receiver);
            Db.update("delete from webhook_endpoints");

            Map<Integer, List<Double>> rates = new java.util.TreeMap<>();
            for (int run = 0; run < RUNS; run++) {
                for (int endpoints : new int[] {0, 1, 5}) {
                    for (int i = 0; i < endpoints; i++) {
                        subscribe(receiver.url("/ok/" + i));
                    }
                    rates.computeIfAbsent(endpoints, k -> new ArrayList<>()).add(ingest());
                    Db.update("delete from webhook_endpoints");
                }
            }
            double none = median(rates.get(0));
            System.out.printf(Locale.ROOT, "%nWEBHOOK BENCHMARK (%d events per ingestion run, %d runs, median)%n", EVENTS, RUNS);
            System.out.printf(Locale.ROOT, "deliveries/s, one endpoint, %d deliveries: %.0f%n", DELIVERIES, deliveriesPerSecond);
            rates.forEach((endpoints, values) -> System.out.printf(Locale.ROOT,
                    "ingestion with %d endpoints: %.0f events/s (ratio %.2f; runs %s)%n", endpoints, median(values), median(values) / none,
                    values.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
        }
    }

    /** One bulk status change creates the deliveries in one commit; then the time until the last is delivered. */
    private double deliveriesPerSecond(WebhookReceiver receiver) {
        UUID endpoint = subscribe(receiver.url("/ok/rate"));
        UUID campaign = messages(DELIVERIES);
        Instant start = Instant.now();
        Db.update("update campaign_recipients set status = 'DELIVERED', status_rank = 8 where campaign_id = ?", campaign);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                Db.count("select count(*) from webhook_deliveries where endpoint_id = ? and status = 'delivered'", endpoint) == DELIVERIES);
        Instant last = Db.instant(Db.row("select max(delivered_at) as at from webhook_deliveries where endpoint_id = ?", endpoint).get("at"));
        assertThat(receiver.received("/ok/rate")).hasSize(DELIVERIES);
        return DELIVERIES / (Duration.between(start, last).toMillis() / 1000.0);
    }

    /** Events/s from the first enqueue until the queue is drained. */
    private double ingest() {
        UUID campaign = messages(EVENTS);
        List<String> bodies = new ArrayList<>(EVENTS);
        for (Map<String, Object> row : Db.rows("select customer_id, email, ses_message_id from campaign_recipients where campaign_id = ?", campaign)) {
            bodies.add(SesFixtures.event("publishing/delivery.json").messageId((String) row.get("ses_message_id"))
                    .recipient((String) row.get("email")).campaignId(campaign.toString()).customerId(row.get("customer_id").toString())
                    .eventTimestamp(Instant.now()).raw());
        }
        long start = System.nanoTime();
        Queue.send(bodies);
        Queue.awaitDrained(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and status = 'DELIVERED'", campaign)).isEqualTo(EVENTS);
        return EVENTS / seconds;
    }

    /** A campaign of {@code count} SENT messages, written in two set-based statements. */
    private static UUID messages(int count) {
        UUID campaign = TestData.campaign();
        String prefix = "wb-" + UUID.randomUUID();
        Db.update("insert into customers (customer_id, email) select gen_random_uuid(), ? || '-' || i || '@example.com' from generate_series(1, ?) i",
                prefix, count);
        Db.update("""
                insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, attempt_count, sent_at)
                select ?, customer_id, email, 'SENT', 5, 'ses-' || email, 1, now() from customers where email like ? || '-%'
                """, campaign, prefix);
        return campaign;
    }

    private static UUID subscribe(String url) {
        return UUID.fromString(given().contentType(ContentType.JSON)
                .body(Map.of("url", url, "eventTypes", List.of("message.delivered", "suppression.added")))
                .post("/api/webhooks").then().statusCode(201).extract().path("id"));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
