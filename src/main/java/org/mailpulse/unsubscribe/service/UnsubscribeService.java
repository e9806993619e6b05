package org.mailpulse.unsubscribe.service;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionWriter;

import java.time.Instant;
import java.util.List;

/**
 * The recipient's side of RFC 8058: looking a token up changes nothing (link scanners prefetch); using it
 * suppresses the address (through the one suppression upsert), marks the message UNSUBSCRIBED and records the
 * time, once, however often it is posted.
 */
@ApplicationScoped
public class UnsubscribeService {

    public enum State { VALID, USED, EXPIRED, UNKNOWN }

    public record Lookup(State state, String email) {
    }

    private static final String FIND = "SELECT email, expires_at, used_at FROM unsubscribe_tokens WHERE token_hash = $1";

    private static final String USE = """
            WITH token AS (
                UPDATE unsubscribe_tokens SET used_at = coalesce(used_at, now())
                WHERE token_hash = $1 AND expires_at > now() RETURNING token_id, email, campaign_id, customer_id, used_at),
            marked AS (
                UPDATE campaign_recipients r SET status = $2, status_rank = $3::smallint, unsubscribed_at = coalesce(r.unsubscribed_at, now()),
                    status_reason = 'unsubscribed by link', updated_at = now()
                FROM token t WHERE r.campaign_id = t.campaign_id AND r.customer_id = t.customer_id AND r.status_rank < $3::smallint
                RETURNING r.campaign_id),
            history AS (
                INSERT INTO email_events_op (event_id, notification_id, event_type, email, campaign_id, customer_id, ses_message_id, status, event_time)
                SELECT gen_random_uuid(), 'unsubscribe:' || t.token_id, 'unsubscribe', t.email, t.campaign_id, t.customer_id,
                       r.ses_message_id, $2, now()
                FROM token t LEFT JOIN campaign_recipients r ON r.campaign_id = t.campaign_id AND r.customer_id = t.customer_id
                WHERE t.used_at = now())
            SELECT email FROM token
            """;

    private final Pool pool;
    private final SuppressionWriter suppressions;

    public UnsubscribeService(Pool pool, SuppressionWriter suppressions) {
        this.pool = pool;
        this.suppressions = suppressions;
    }

    public Uni<Lookup> lookup(String token) {
        if (!UnsubscribeTokens.looksValid(token)) {
            return Uni.createFrom().item(new Lookup(State.UNKNOWN, null));
        }
        return pool.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(UnsubscribeTokens.hash(token))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return new Lookup(State.UNKNOWN, null);
                    }
                    Row row = rows.iterator().next();
                    if (row.getOffsetDateTime("expires_at").toInstant().isBefore(Instant.now())) {
                        return new Lookup(State.EXPIRED, row.getString("email"));
                    }
                    return new Lookup(row.getOffsetDateTime("used_at") == null ? State.VALID : State.USED, row.getString("email"));
                });
    }

    /** Unsubscribes; answers the state the token was in (UNKNOWN and EXPIRED change nothing). */
    public Uni<Lookup> unsubscribe(String token) {
        return lookup(token).chain(found -> {
            if (found.state() == State.UNKNOWN || found.state() == State.EXPIRED) {
                return Uni.createFrom().item(found);
            }
            return pool.withTransaction(connection -> connection.preparedQuery(USE).execute(Tuple.of(
                                    Buffer.buffer(UnsubscribeTokens.hash(token)), MessageStatus.UNSUBSCRIBED.name(), MessageStatus.UNSUBSCRIBED.rank()))
                            .chain(used -> used.size() == 0 ? Uni.createFrom().voidItem()
                                    : suppressions.suppress(connection, List.of(new SuppressionWriter.Entry(used.iterator().next().getString("email"),
                                            SuppressionReason.UNSUBSCRIBE, SuppressionSource.USER, "unsubscribe link"))).replaceWithVoid()))
                    .replaceWith(new Lookup(State.USED, found.email()));
        });
    }
}
