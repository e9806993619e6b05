package org.mailpulse.message.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;
import org.mailpulse.message.MessageLifecycle;
import org.mailpulse.message.MessageLifecycle.FirstTime;
import org.mailpulse.message.MessageLifecycle.Update;
import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies the lifecycle's folded updates to the messages MailPulse sent, in one statement per batch. The status
 * only moves to a higher {@link MessageStatus#rank()}; first times only move earlier; counts only grow by the
 * events given, which the caller has already deduplicated.
 */
@ApplicationScoped
public class RecipientStatusWriter {

    /** The current state of one of our messages, locked for the transaction. */
    public record Current(UUID campaignId, UUID customerId, String sesMessageId, MessageStatus status) {
    }

    private static final String LOCK = """
            SELECT campaign_id, customer_id, ses_message_id, status FROM campaign_recipients
            WHERE ses_message_id = ANY($1::text[]) ORDER BY campaign_id, customer_id FOR UPDATE
            """;

    // An event can overtake the sender's own record of the SES message id (SES publishes Send within
    // milliseconds); the campaign and customer tags then find the message, if it has no other SES id.
    private static final String LOCK_BY_TAGS = """
            SELECT r.campaign_id, r.customer_id, v.ses_message_id, r.status
            FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS v(ses_message_id, campaign_id, customer_id)
            JOIN campaign_recipients r ON r.campaign_id = v.campaign_id AND r.customer_id = v.customer_id
            WHERE r.ses_message_id IS NULL OR r.ses_message_id = v.ses_message_id
            ORDER BY r.campaign_id, r.customer_id FOR UPDATE OF r
            """;

    private static final String UPDATE = """
            UPDATE campaign_recipients r SET
                status = CASE WHEN v.rank > r.status_rank THEN v.status ELSE r.status END,
                status_reason = CASE WHEN v.rank > r.status_rank THEN coalesce(v.reason, r.status_reason) ELSE r.status_reason END,
                ses_message_id = coalesce(r.ses_message_id, v.ses_message_id),
                status_rank = greatest(r.status_rank, v.rank),
                bounce_type = CASE WHEN r.bounce_type = $20::text THEN r.bounce_type ELSE coalesce(v.bounce_type, r.bounce_type) END,
                sent_at = least(r.sent_at, v.sent_at),
                delivered_at = least(r.delivered_at, v.delivered_at),
                opened_at = least(r.opened_at, v.opened_at),
                clicked_at = least(r.clicked_at, v.clicked_at),
                bounced_at = least(r.bounced_at, v.bounced_at),
                complained_at = least(r.complained_at, v.complained_at),
                rejected_at = least(r.rejected_at, v.rejected_at),
                failed_at = least(r.failed_at, v.failed_at),
                delivery_delayed_at = least(r.delivery_delayed_at, v.delivery_delayed_at),
                unsubscribed_at = least(r.unsubscribed_at, v.unsubscribed_at),
                open_count = r.open_count + v.opens,
                click_count = r.click_count + v.clicks,
                updated_at = now()
            FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
                        $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[],
                        $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[],
                        $16::int[], $17::int[], $18::uuid[], $19::uuid[])
                 AS v(ses_message_id, status, rank, reason, bounce_type,
                      sent_at, delivered_at, opened_at, clicked_at, bounced_at,
                      complained_at, rejected_at, failed_at, delivery_delayed_at, unsubscribed_at,
                      opens, clicks, campaign_id, customer_id)
            WHERE r.campaign_id = v.campaign_id AND r.customer_id = v.customer_id
            """;

    /** A message's tags, for events whose SES id MailPulse has not recorded yet. */
    public record Tagged(String sesMessageId, UUID campaignId, UUID customerId) {
    }

    /**
     * Locks and reads the messages MailPulse sent among these events: by SES message id, else by tags. Rows are
     * locked in primary-key order, the same in every transaction, so concurrent batches cannot deadlock.
     */
    public Uni<Map<String, Current>> lock(SqlConnection connection, List<String> sesMessageIds, List<Tagged> tagged) {
        if (sesMessageIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery(LOCK).execute(Tuple.of(sesMessageIds.toArray(String[]::new)))
                .chain(rows -> {
                    Map<String, Current> current = new HashMap<>();
                    rows.forEach(row -> put(current, row));
                    List<Tagged> missing = tagged.stream().filter(t -> !current.containsKey(t.sesMessageId())).toList();
                    if (missing.isEmpty()) {
                        return Uni.createFrom().item(current);
                    }
                    return connection.preparedQuery(LOCK_BY_TAGS).execute(Tuple.of(Sql.texts(missing, Tagged::sesMessageId),
                                    Sql.uuids(missing, Tagged::campaignId), Sql.uuids(missing, Tagged::customerId)))
                            .map(byTags -> {
                                byTags.forEach(row -> put(current, row));
                                return current;
                            });
                });
    }

    private static void put(Map<String, Current> current, Row row) {
        current.put(row.getString("ses_message_id"), new Current(row.getUUID("campaign_id"), row.getUUID("customer_id"),
                row.getString("ses_message_id"), MessageStatus.valueOf(row.getString("status"))));
    }

    /**
     * Writes the folded updates and returns the status changes they made. The statement compares the ranks and
     * keeps the hard bounce type that {@link MessageLifecycle} gives it; it decides nothing itself.
     */
    public Uni<List<StatusMove>> apply(SqlConnection connection, Map<String, Current> current, List<Update> updates) {
        List<Update> ours = updates.stream().filter(u -> current.containsKey(u.sesMessageId())).toList();
        if (ours.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Object> columns = new ArrayList<>(List.of(
                Sql.texts(ours, Update::sesMessageId),
                Sql.texts(ours, u -> u.status() == null ? null : u.status().name()),
                Sql.ints(ours, u -> u.status() == null ? -1 : u.status().rank()),
                Sql.texts(ours, Update::reason),
                Sql.texts(ours, Update::bounceType)));
        for (FirstTime column : FirstTime.values()) {
            columns.add(Sql.times(ours, u -> u.firstTime(column)));
        }
        columns.add(Sql.ints(ours, Update::opens));
        columns.add(Sql.ints(ours, Update::clicks));
        columns.add(Sql.uuids(ours, u -> current.get(u.sesMessageId()).campaignId()));
        columns.add(Sql.uuids(ours, u -> current.get(u.sesMessageId()).customerId()));
        columns.add(MessageLifecycle.HARD_BOUNCE);
        List<StatusMove> moves = ours.stream()
                .filter(u -> u.moves(current.get(u.sesMessageId()).status()))
                .map(u -> new StatusMove(current.get(u.sesMessageId()), u.status(), u.statusTime()))
                .toList();
        return connection.preparedQuery(UPDATE).execute(Tuple.tuple(columns)).replaceWith(moves);
    }

    public record StatusMove(Current before, MessageStatus to, Instant at) {
    }
}
