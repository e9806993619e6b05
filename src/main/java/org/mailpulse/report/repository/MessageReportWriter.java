package org.mailpulse.report.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maintains the per-message report of seeds 000/001: one summary row per SES message holding the first time of
 * each event type, and one detail row per event.
 */
@ApplicationScoped
public class MessageReportWriter {

    /** The summary's time columns, in the order of the statement below, keyed by SES event wire name. */
    public static final List<String> EVENT_COLUMNS = List.of(
            "Send", "Reject", "Bounce", "Complaint", "Delivery", "Open", "Click", "Rendering Failure", "DeliveryDelay", "Subscription");

    /** The folded events of one SES message. */
    public static final class Summary {
        final String messageId;
        int reportType;
        String userId;
        UUID customerId;
        UUID campaignId;
        String userEmail;
        String sourceEmail;
        String subject;
        Instant mailTimestamp;
        final Map<String, Instant> firstTimes = new HashMap<>();

        public Summary(String messageId) {
            this.messageId = messageId;
        }

        public String messageId() {
            return messageId;
        }

        /** Attributes come from the first event that has them. */
        public void describe(int reportType, String userId, UUID customerId, UUID campaignId, String userEmail,
                             String sourceEmail, String subject, Instant mailTimestamp) {
            if (this.reportType == 0) {
                this.reportType = reportType;
            }
            this.userId = this.userId != null ? this.userId : userId;
            this.customerId = this.customerId != null ? this.customerId : customerId;
            this.campaignId = this.campaignId != null ? this.campaignId : campaignId;
            this.userEmail = this.userEmail != null ? this.userEmail : userEmail;
            this.sourceEmail = this.sourceEmail != null ? this.sourceEmail : sourceEmail;
            this.subject = this.subject != null ? this.subject : subject;
            this.mailTimestamp = this.mailTimestamp != null ? this.mailTimestamp : mailTimestamp;
        }

        public void eventAt(String eventWireName, Instant at) {
            firstTimes.merge(eventWireName, at, (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    public record Detail(String notificationId, String messageId, String eventType, Instant eventTime, String from,
                         String to, String subject, String otherInfoJson) {
    }

    private static final String UPSERT_SUMMARY = """
            INSERT INTO ses_report_summary AS s (message_id, report_type, user_id, customer_id, campaign_id, user_email,
                source_email, subject, mail_timestamp, send_at, reject_at, bounce_at, complaint_at, delivery_at, open_at,
                click_at, rendering_failure_at, delivery_delay_at, subscription_at)
            SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[],
                $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
                $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::timestamptz[],
                $19::timestamptz[])
            ON CONFLICT (message_id) DO UPDATE SET
                report_type = CASE WHEN s.report_type = 0 THEN EXCLUDED.report_type ELSE s.report_type END,
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
            """;

    private static final String INSERT_DETAIL = """
            INSERT INTO ses_report_detail (notification_message_id, report_id, event_type, message_id, event_time,
                                           from_address, to_address, subject, other_info)
            SELECT n, r, t, m, et, f, tt, s, o::jsonb
            FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                        $8::text[], $9::text[]) AS v(n, r, t, m, et, f, tt, s, o)
            """;

    /** Upserts the summaries (sorted by message id, so that concurrent batches lock rows in one order) and adds the details. */
    public Uni<Void> write(SqlConnection connection, List<Summary> summaries, List<Detail> details) {
        if (summaries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Summary> sorted = summaries.stream().sorted((a, b) -> a.messageId.compareTo(b.messageId)).toList();
        List<Object> columns = new ArrayList<>(List.of(
                Sql.texts(sorted, s -> s.messageId), Sql.ints(sorted, s -> s.reportType), Sql.texts(sorted, s -> s.userId),
                Sql.uuids(sorted, s -> s.customerId), Sql.uuids(sorted, s -> s.campaignId), Sql.texts(sorted, s -> s.userEmail),
                Sql.texts(sorted, s -> s.sourceEmail), Sql.texts(sorted, s -> s.subject), Sql.times(sorted, s -> s.mailTimestamp)));
        for (String event : EVENT_COLUMNS) {
            columns.add(Sql.times(sorted, s -> s.firstTimes.get(event)));
        }
        return connection.preparedQuery(UPSERT_SUMMARY).execute(Tuple.tuple(columns))
                .chain(rows -> {
                    Map<String, Long> reportIds = new LinkedHashMap<>();
                    for (Row row : rows) {
                        reportIds.put(row.getString("message_id"), row.getLong("id"));
                    }
                    return connection.preparedQuery(INSERT_DETAIL).execute(Tuple.tuple(List.of(
                            Sql.texts(details, Detail::notificationId),
                            details.stream().map(d -> reportIds.get(d.messageId())).toArray(Long[]::new),
                            Sql.texts(details, Detail::eventType), Sql.texts(details, Detail::messageId),
                            Sql.times(details, Detail::eventTime), Sql.texts(details, Detail::from), Sql.texts(details, Detail::to),
                            Sql.texts(details, Detail::subject), Sql.texts(details, Detail::otherInfoJson))));
                })
                .replaceWithVoid();
    }
}
