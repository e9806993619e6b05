package org.mailpulse.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailpulse.ses.event.SesEvent;
import org.mailpulse.message.MessageLifecycle;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.TestServers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Ceiling (a): the rows the pipeline writes per event (dedupe claim, history, report summary upsert, report detail,
 * message status), written straight through JDBC in the fastest form PostgreSQL offers: each batch of ten is one
 * statement of data-modifying CTEs over unnest() arrays, so one round trip and one transaction, with as many
 * connections as the application has pollers.
 */
final class PostgresCeiling {

    /** The columns of one event, taken from the same parsed {@link SesEvent} the pipeline would apply. */
    record Row(String key, String code, String wireName, String email, String sesMessageId, String status, int rank,
               String payload, String recipients, UUID campaignId, UUID customerId, String source, String subject, String userId) {

        static Row of(SesEvent event, String key, Population.Recipient recipient, UUID campaignId, ObjectMapper json) {
            MessageStatus status = MessageLifecycle.impliedStatus(event);
            String email = recipient != null ? recipient.email() : event.recipients().isEmpty() ? null : event.recipients().get(0);
            try {
                return new Row(key, event.type().code(), event.type().wireName(), email,
                        recipient != null ? recipient.sesMessageId() : "ceiling-" + event.sesMessageId(),
                        status == null ? null : status.name(), status == null ? -1 : status.rank(),
                        event.detail() == null ? null : json.writeValueAsString(event.detail()),
                        recipient != null ? recipient.email() : String.join(",", event.recipients()),
                        recipient != null ? campaignId : null, recipient != null ? recipient.customerId() : null,
                        event.source(), event.subject(), event.header("user_id"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    record Result(Duration elapsed, long claimed, double meanBatchMillis, int deadlockRetries) {
    }

    private static final String APPLY = """
            WITH v AS (
                SELECT v.*, now() AS et
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[],
                            ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[])
                     AS v(n, code, wire, email, msg, status, rank, payload, recipients, campaign, customer, source, subject, user_id)
            ), claimed AS (
                INSERT INTO ingest_dedupe (notification_id) SELECT n FROM v ON CONFLICT DO NOTHING RETURNING notification_id
            ), fresh AS (
                SELECT v.* FROM v JOIN claimed ON claimed.notification_id = v.n
            ), history AS (
                INSERT INTO email_events_op (event_id, notification_id, event_type, email, campaign_id, customer_id, ses_message_id,
                                             status, event_time, payload)
                SELECT gen_random_uuid(), n, code, email, campaign, customer, msg, status, et, payload::jsonb FROM fresh
            ), summary AS (
                INSERT INTO ses_report_summary AS s (message_id, report_type, user_id, customer_id, campaign_id, user_email,
                    source_email, subject, mail_timestamp, send_at, reject_at, bounce_at, complaint_at, delivery_at, open_at,
                    click_at, rendering_failure_at, delivery_delay_at, subscription_at)
                SELECT msg, 0, min(user_id), (array_agg(customer))[1], (array_agg(campaign))[1], min(email), min(source), min(subject), min(et),
                    min(et) FILTER (WHERE wire = 'Send'), min(et) FILTER (WHERE wire = 'Reject'), min(et) FILTER (WHERE wire = 'Bounce'),
                    min(et) FILTER (WHERE wire = 'Complaint'), min(et) FILTER (WHERE wire = 'Delivery'), min(et) FILTER (WHERE wire = 'Open'),
                    min(et) FILTER (WHERE wire = 'Click'), min(et) FILTER (WHERE wire = 'Rendering Failure'),
                    min(et) FILTER (WHERE wire = 'DeliveryDelay'), min(et) FILTER (WHERE wire = 'Subscription')
                FROM fresh GROUP BY msg ORDER BY msg
                ON CONFLICT (message_id) DO UPDATE SET
                    user_id = coalesce(s.user_id, EXCLUDED.user_id),
                    customer_id = coalesce(s.customer_id, EXCLUDED.customer_id),
                    campaign_id = coalesce(s.campaign_id, EXCLUDED.campaign_id),
                    user_email = coalesce(s.user_email, EXCLUDED.user_email),
                    source_email = coalesce(s.source_email, EXCLUDED.source_email),
                    subject = coalesce(s.subject, EXCLUDED.subject),
                    mail_timestamp = coalesce(s.mail_timestamp, EXCLUDED.mail_timestamp),
                    send_at = least(s.send_at, EXCLUDED.send_at),
                    reject_at = least(s.reject_at, EXCLUDED.reject_at),
                    bounce_at = least(s.bounce_at, EXCLUDED.bounce_at),
                    complaint_at = least(s.complaint_at, EXCLUDED.complaint_at),
                    delivery_at = least(s.delivery_at, EXCLUDED.delivery_at),
                    open_at = least(s.open_at, EXCLUDED.open_at),
                    click_at = least(s.click_at, EXCLUDED.click_at),
                    rendering_failure_at = least(s.rendering_failure_at, EXCLUDED.rendering_failure_at),
                    delivery_delay_at = least(s.delivery_delay_at, EXCLUDED.delivery_delay_at),
                    subscription_at = least(s.subscription_at, EXCLUDED.subscription_at),
                    updated_at = now()
                RETURNING id, message_id
            ), detail AS (
                INSERT INTO ses_report_detail (notification_message_id, report_id, event_type, message_id, event_time, from_address,
                                               to_address, subject, other_info)
                SELECT f.n, summary.id, f.wire, f.msg, f.et, f.source, f.recipients, f.subject, f.payload::jsonb
                FROM fresh f JOIN summary ON summary.message_id = f.msg
            ), statuses AS (
                UPDATE campaign_recipients r SET
                    status = CASE WHEN g.rank > r.status_rank THEN g.status ELSE r.status END,
                    status_rank = greatest(r.status_rank, g.rank),
                    sent_at = least(r.sent_at, g.sent_at),
                    delivered_at = least(r.delivered_at, g.delivered_at),
                    opened_at = least(r.opened_at, g.opened_at),
                    clicked_at = least(r.clicked_at, g.clicked_at),
                    bounced_at = least(r.bounced_at, g.bounced_at),
                    complained_at = least(r.complained_at, g.complained_at),
                    rejected_at = least(r.rejected_at, g.rejected_at),
                    failed_at = least(r.failed_at, g.failed_at),
                    delivery_delayed_at = least(r.delivery_delayed_at, g.delivery_delayed_at),
                    open_count = r.open_count + g.opens,
                    click_count = r.click_count + g.clicks,
                    updated_at = now()
                FROM (SELECT msg, max(rank) AS rank, (array_agg(status ORDER BY rank DESC))[1] AS status,
                             min(et) FILTER (WHERE code = 'send') AS sent_at, min(et) FILTER (WHERE code = 'delivery') AS delivered_at,
                             min(et) FILTER (WHERE code = 'open') AS opened_at, min(et) FILTER (WHERE code = 'click') AS clicked_at,
                             min(et) FILTER (WHERE code = 'bounce') AS bounced_at, min(et) FILTER (WHERE code = 'complaint') AS complained_at,
                             min(et) FILTER (WHERE code = 'reject') AS rejected_at, min(et) FILTER (WHERE code = 'rendering_failure') AS failed_at,
                             min(et) FILTER (WHERE code = 'delivery_delay') AS delivery_delayed_at,
                             count(*) FILTER (WHERE code = 'open') AS opens, count(*) FILTER (WHERE code = 'click') AS clicks
                      FROM fresh GROUP BY msg) g
                WHERE r.ses_message_id = g.msg
            )
            SELECT count(*) FROM claimed
            """;

    private static final String DEADLOCK = "40P01";

    private PostgresCeiling() {
    }

    /** Applies {@code rows} (duplicates included, as they arrive) in consecutive batches of ten on {@code connections} threads. */
    static Result run(List<Row> rows, int connections, Deadline deadline) {
        AtomicInteger nextBatch = new AtomicInteger();
        LongAdder claimed = new LongAdder();
        LongAdder batchNanos = new LongAdder();
        AtomicInteger retries = new AtomicInteger();
        int batches = (rows.size() + BenchQueue.BATCH - 1) / BenchQueue.BATCH;
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(threads.submit(() -> {
                    try (Connection connection = TestServers.jdbc(); PreparedStatement apply = connection.prepareStatement(APPLY)) {
                        for (int b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                            deadline.check("writing the PostgreSQL ceiling (batch " + b + " of " + batches + ")");
                            List<Row> batch = distinctKeys(rows.subList(b * BenchQueue.BATCH, Math.min(rows.size(), (b + 1) * BenchQueue.BATCH)));
                            long batchStart = System.nanoTime();
                            claimed.add(applyWithRetry(connection, apply, batch, retries));
                            batchNanos.add(System.nanoTime() - batchStart);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                deadline.await(worker, "writing the PostgreSQL ceiling");
            }
        } finally {
            threads.shutdownNow();
        }
        return new Result(Duration.ofNanos(System.nanoTime() - start), claimed.sum(), batchNanos.sum() / 1e6 / batches, retries.get());
    }

    /** As the pipeline drops a repeated key within one received batch before applying it. */
    private static List<Row> distinctKeys(List<Row> batch) {
        Map<String, Row> byKey = new LinkedHashMap<>();
        batch.forEach(row -> byKey.putIfAbsent(row.key(), row));
        return new ArrayList<>(byKey.values());
    }

    /** Concurrent batches can lock the same summary and message rows in different orders; PostgreSQL then aborts one. */
    private static long applyWithRetry(Connection connection, PreparedStatement apply, List<Row> batch, AtomicInteger retries) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return apply(connection, apply, batch);
            } catch (SQLException e) {
                if (!DEADLOCK.equals(e.getSQLState()) || attempt == 3) {
                    throw e;
                }
                retries.incrementAndGet();
            }
        }
    }

    private static long apply(Connection connection, PreparedStatement apply, List<Row> batch) throws SQLException {
        int p = 1;
        apply.setArray(p++, texts(connection, batch, Row::key));
        apply.setArray(p++, texts(connection, batch, Row::code));
        apply.setArray(p++, texts(connection, batch, Row::wireName));
        apply.setArray(p++, texts(connection, batch, Row::email));
        apply.setArray(p++, texts(connection, batch, Row::sesMessageId));
        apply.setArray(p++, texts(connection, batch, Row::status));
        apply.setArray(p++, connection.createArrayOf("int4", batch.stream().map(Row::rank).toArray(Integer[]::new)));
        apply.setArray(p++, texts(connection, batch, Row::payload));
        apply.setArray(p++, texts(connection, batch, Row::recipients));
        apply.setArray(p++, texts(connection, batch, r -> r.campaignId() == null ? null : r.campaignId().toString()));
        apply.setArray(p++, texts(connection, batch, r -> r.customerId() == null ? null : r.customerId().toString()));
        apply.setArray(p++, texts(connection, batch, Row::source));
        apply.setArray(p++, texts(connection, batch, Row::subject));
        apply.setArray(p, texts(connection, batch, Row::userId));
        try (ResultSet result = apply.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static java.sql.Array texts(Connection connection, List<Row> batch, Function<Row, String> column) throws SQLException {
        return connection.createArrayOf("text", batch.stream().map(column).toArray(String[]::new));
    }
}
