package org.mailpulse.unsubscribe.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageStatus;

import java.time.Instant;
import java.util.Optional;

/** The unsubscribe tokens ({@code unsubscribe_tokens}), looked up and used by the hash of the token. */
@ApplicationScoped
public class UnsubscribeTokenStore {

    /** A stored token: its address, when it expires and when it was used (null if never). */
    public record Token(String email, Instant expiresAt, Instant usedAt) {
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

    private static final String DELETE_EXPIRED = """
            DELETE FROM unsubscribe_tokens WHERE token_id IN (SELECT token_id FROM unsubscribe_tokens WHERE expires_at < now() LIMIT $1)
            """;

    private final Pool pool;

    public UnsubscribeTokenStore(Pool pool) {
        this.pool = pool;
    }

    /** The token with this hash, if one is stored; reading it changes nothing. */
    public Uni<Optional<Token>> find(byte[] tokenHash) {
        return pool.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(tokenHash))).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new Token(row.getString("email"), row.getOffsetDateTime("expires_at").toInstant(),
                    row.getOffsetDateTime("used_at") == null ? null : row.getOffsetDateTime("used_at").toInstant()));
        });
    }

    /**
     * Inside the caller's transaction: marks the unexpired token with this hash used (keeping the first time), moves
     * its message to {@code status} unless it already ranks as high, and records the event the first time only.
     * Answers the token's address, or empty when no unexpired token has this hash.
     */
    public Uni<Optional<String>> use(SqlConnection connection, byte[] tokenHash, MessageStatus status) {
        return connection.preparedQuery(USE).execute(Tuple.of(Buffer.buffer(tokenHash), status.name(), status.rank()))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("email")));
    }

    /** Deletes up to {@code limit} expired tokens; emits how many. */
    public Uni<Integer> deleteExpired(int limit) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(limit)).map(rows -> rows.rowCount());
    }
}
