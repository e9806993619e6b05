package org.mailpulse.message.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Appends entries to the message history (email_events_op) in one statement. */
@ApplicationScoped
public class MessageEventWriter {

    public record Row(UUID eventId, String notificationId, String eventType, String email, UUID campaignId, UUID customerId,
                      String sesMessageId, String status, Instant eventTime, String payloadJson) {
    }

    private static final String INSERT = """
            INSERT INTO email_events_op (event_id, notification_id, event_type, email, campaign_id, customer_id,
                                         ses_message_id, status, event_time, payload)
            SELECT e, n, t, m, c, u, s, st, et, p::jsonb
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[],
                        $9::timestamptz[], $10::text[]) AS v(e, n, t, m, c, u, s, st, et, p)
            """;

    public Uni<Void> insert(SqlConnection connection, List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(INSERT).execute(Tuple.tuple(List.of(
                Sql.uuids(rows, Row::eventId), Sql.texts(rows, Row::notificationId), Sql.texts(rows, Row::eventType),
                Sql.texts(rows, Row::email), Sql.uuids(rows, Row::campaignId), Sql.uuids(rows, Row::customerId),
                Sql.texts(rows, Row::sesMessageId), Sql.texts(rows, Row::status), Sql.times(rows, Row::eventTime),
                Sql.texts(rows, Row::payloadJson)))).replaceWithVoid();
    }
}
