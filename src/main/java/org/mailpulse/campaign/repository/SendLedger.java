package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.common.Sql;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.template.TemplateProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sender's bookkeeping in PostgreSQL. Claims use {@code FOR UPDATE SKIP LOCKED}, so replicas never take the
 * same message; every outcome is recorded only on a message that is still SENDING, and a late SES event that
 * already moved it further is never overwritten.
 */
@ApplicationScoped
public class SendLedger {

    private static final String RELEASE_SCHEDULED = withStatuses("""
            UPDATE campaign_recipients r SET status = $1, status_rank = $2::smallint, updated_at = now()
            FROM campaigns c WHERE c.campaign_id = r.campaign_id AND c.status = {campaign:SENDING} AND r.status = {message:SCHEDULED}
            """);

    // Claimed by a sender that died before it started the call: safe to hand out again, nothing was sent.
    private static final String RECOVER_UNSTARTED = withStatuses("""
            UPDATE campaign_recipients SET status = $1, status_rank = $2::smallint, updated_at = now()
            WHERE status = {message:SENDING} AND last_attempt_at IS NULL AND updated_at < now() - interval '1 minute'
            """);

    // Each sending campaign's next messages come from its own ordered walk of campaign_recipients_ready_order_idx
    // (V13), stopped at the limit; the outer ORDER BY only merges those few rows of each campaign. Sorting all of a
    // campaign's ready rows instead costs about a second per claim at a million.
    // The claimed messages are checked again here, at send time: an address suppressed or a customer deactivated
    // since enrolment makes its message SUPPRESSED with the reason instead of SENDING (RETURNING tells which). The
    // check looks each one up by key. The messages are joined back by their row address (ctid, stable: the statement
    // itself holds their row locks), a TID scan whatever the statistics say. By key, a generic plan (which guesses
    // 10 % of the table for LIMIT $1) merge-joined the whole primary key once a million messages were ready and
    // analysed: 4.4 s per claim instead of 49 ms (EXPLAIN ANALYZE, 1M customers and ready messages); by the ready
    // index, right after a queue on stale statistics, it took minutes. MATERIALIZED computes each reason once:
    // inlined, the three uses of it in SET each ran both lookups again.
    private static final String CLAIM = withStatuses("""
            WITH picked AS MATERIALIZED (
                SELECT next.row_id, next.campaign_id, next.customer_id, coalesce(
                       (SELECT 'suppressed: ' || s.reason FROM suppression_list s WHERE s.email = next.email),
                       (SELECT 'customer deactivated' FROM customers u WHERE u.customer_id = next.customer_id AND NOT u.is_active)) AS reason
                FROM (SELECT n.row_id, n.campaign_id, n.customer_id, n.email FROM campaigns c2 CROSS JOIN LATERAL (
                          SELECT r2.ctid AS row_id, r2.campaign_id, r2.customer_id, r2.email, r2.next_attempt_at, r2.created_at FROM campaign_recipients r2
                          WHERE r2.campaign_id = c2.campaign_id AND r2.status = {message:READY_TO_SEND}
                            AND (r2.next_attempt_at IS NULL OR r2.next_attempt_at <= now())
                          ORDER BY r2.next_attempt_at NULLS FIRST, r2.created_at
                          LIMIT $1 FOR UPDATE OF r2 SKIP LOCKED) n
                      WHERE c2.status = {campaign:SENDING}
                      ORDER BY n.next_attempt_at NULLS FIRST, n.created_at
                      LIMIT $1) next)
            UPDATE campaign_recipients r
            SET status = CASE WHEN picked.reason IS NULL THEN {message:SENDING} ELSE {message:SUPPRESSED} END,
                status_rank = CASE WHEN picked.reason IS NULL THEN $2::smallint ELSE $3::smallint END,
                status_reason = coalesce(picked.reason, r.status_reason), last_attempt_at = NULL, updated_at = now()
            FROM campaigns c, picked
            WHERE r.ctid = picked.row_id AND c.campaign_id = r.campaign_id
            RETURNING r.campaign_id, r.customer_id, r.email, r.template_data::text AS data, r.attempt_count, c.template_id, r.status
            """);

    private static final String TEMPLATES = """
            SELECT template_id, provider, provider_template_name, subject, html_body, text_body, version
            FROM templates WHERE template_id = ANY($1::uuid[])
            """;

    // One token row per message. A message is claimed again only after an attempt that sent nothing (throttled,
    // refused, 5xx, handed back), so the link of the earlier claim never reached anyone: its row takes the new hash.
    // A used token is kept as it is.
    private static final String ISSUE_TOKENS = """
            INSERT INTO unsubscribe_tokens (token_id, token_hash, email, campaign_id, customer_id, expires_at)
            SELECT gen_random_uuid(), h, e, c, u, $5 FROM unnest($1::bytea[], $2::text[], $3::uuid[], $4::uuid[]) AS v(h, e, c, u)
            ON CONFLICT (campaign_id, customer_id) DO UPDATE SET token_hash = excluded.token_hash, email = excluded.email,
                expires_at = excluded.expires_at, created_at = now()
            WHERE unsubscribe_tokens.used_at IS NULL
            """;

    // Claimed by this sender, which is shutting down, and never called: free for any sender at once.
    private static final String RELEASE = withStatuses("""
            UPDATE campaign_recipients r SET status = $3, status_rank = $4::smallint, last_attempt_at = NULL, updated_at = now()
            FROM unnest($1::uuid[], $2::uuid[]) AS v(campaign_id, customer_id)
            WHERE r.campaign_id = v.campaign_id AND r.customer_id = v.customer_id AND r.status = {message:SENDING}
            """);

    private static final String START_ATTEMPTS = withStatuses("""
            UPDATE campaign_recipients r SET last_attempt_at = now()
            FROM unnest($1::uuid[], $2::uuid[]) AS v(campaign_id, customer_id)
            WHERE r.campaign_id = v.campaign_id AND r.customer_id = v.customer_id AND r.status = {message:SENDING}
            RETURNING r.campaign_id, r.customer_id
            """);

    private static final String SENT = """
            UPDATE campaign_recipients SET
                status = CASE WHEN status_rank < $3::smallint THEN $4 ELSE status END, status_rank = greatest(status_rank, $3::smallint),
                ses_message_id = $5, sent_at = coalesce(sent_at, now()), attempt_count = attempt_count + 1,
                next_attempt_at = NULL, status_reason = NULL, updated_at = now()
            WHERE campaign_id = $1 AND customer_id = $2
            """;

    private static final String RETRY = withStatuses("""
            UPDATE campaign_recipients SET status = $3, status_rank = $4::smallint, next_attempt_at = now() + $5::bigint * interval '1 millisecond',
                attempt_count = attempt_count + $6, status_reason = $7, updated_at = now()
            WHERE campaign_id = $1 AND customer_id = $2 AND status = {message:SENDING}
            """);

    private static final String FAILED = withStatuses("""
            UPDATE campaign_recipients SET status = $3, status_rank = $4::smallint, failed_at = coalesce(failed_at, now()),
                attempt_count = attempt_count + 1, status_reason = $5, updated_at = now()
            WHERE campaign_id = $1 AND customer_id = $2 AND status = {message:SENDING}
            """);

    private static final String UNKNOWN = withStatuses("""
            UPDATE campaign_recipients SET attempt_count = attempt_count + 1, status_reason = $3, updated_at = now()
            WHERE campaign_id = $1 AND customer_id = $2 AND status = {message:SENDING}
            """);

    private static final String STUCK = withStatuses("""
            SELECT count(*) AS n FROM campaign_recipients WHERE status = {message:SENDING} AND last_attempt_at < now() - $1::bigint * interval '1 second'
            """);
    /**
     * The statements name statuses as {@code {message:SENDING}} and {@code {campaign:SENDING}}; the values come from
     * {@link MessageStatus} and {@link CampaignStatus}, so a status the enums do not know fails at class load.
     */
    private static String withStatuses(String sql) {
        Matcher names = Pattern.compile("\\{(message|campaign):(\\w+)}").matcher(sql);
        StringBuilder out = new StringBuilder();
        while (names.find()) {
            String value = names.group(1).equals("message") ? MessageStatus.valueOf(names.group(2)).name()
                    : CampaignStatus.valueOf(names.group(2)).code();
            names.appendReplacement(out, "'" + value + "'");
        }
        return names.appendTail(out).toString();
    }


    private final Pool pool;
    private final CampaignStatusRepository campaigns;
    private final MailPulseConfig config;

    public SendLedger(Pool pool, CampaignStatusRepository campaigns, MailPulseConfig config) {
        this.pool = pool;
        this.campaigns = campaigns;
        this.config = config;
    }

    /** Starts due campaigns, releases their scheduled messages, recovers unstarted claims. */
    public Uni<Void> prepare() {
        return pool.withTransaction(connection -> campaigns.startDue(connection)
                .chain(() -> connection.preparedQuery(RELEASE_SCHEDULED).execute(status(MessageStatus.READY_TO_SEND)))
                .chain(() -> connection.preparedQuery(RECOVER_UNSTARTED).execute(status(MessageStatus.READY_TO_SEND)))
                .replaceWithVoid());
    }

    public record Claim(List<ClaimedMessage> messages, Map<UUID, TemplateContent> templates) {
    }

    /** Claims up to {@code limit} due messages (those found suppressed on the way are not returned) and loads their templates. */
    public Uni<Claim> claim(int limit) {
        return pool.withTransaction(connection -> connection.preparedQuery(CLAIM)
                        .execute(Tuple.of(limit, MessageStatus.SENDING.rank(), MessageStatus.SUPPRESSED.rank()))
                        .map(rows -> {
                            List<ClaimedMessage> claimed = new ArrayList<>();
                            for (Row row : rows) {
                                if (!MessageStatus.SENDING.name().equals(row.getString("status"))) {
                                    continue;
                                }
                                claimed.add(new ClaimedMessage(row.getUUID("campaign_id"), row.getUUID("customer_id"), row.getString("email"),
                                        row.getString("data"), row.getInteger("attempt_count"), row.getUUID("template_id")));
                            }
                            return claimed;
                        }))
                .chain(claimed -> claimed.isEmpty()
                        ? Uni.createFrom().item(new Claim(claimed, Map.of()))
                        : templates(claimed).map(templates -> new Claim(claimed, templates)));
    }

    private Uni<Map<UUID, TemplateContent>> templates(List<ClaimedMessage> claimed) {
        UUID[] ids = claimed.stream().map(ClaimedMessage::templateId).distinct().toArray(UUID[]::new);
        return pool.preparedQuery(TEMPLATES).execute(Tuple.of(ids)).map(rows -> {
            Map<UUID, TemplateContent> templates = new HashMap<>();
            for (Row row : rows) {
                templates.put(row.getUUID("template_id"), new TemplateContent(
                        TemplateProvider.valueOf(row.getString("provider").toUpperCase(Locale.ROOT)), row.getString("provider_template_name"),
                        row.getString("subject"), row.getString("html_body"), row.getString("text_body"), row.getInteger("version")));
            }
            return templates;
        });
    }

    /** Stores the hashes of the claimed messages' unsubscribe tokens (same order as the messages), one row per message. */
    public Uni<Void> issueTokens(List<ClaimedMessage> messages, List<byte[]> hashes) {
        return pool.preparedQuery(ISSUE_TOKENS).execute(Tuple.of(
                hashes.stream().map(io.vertx.core.buffer.Buffer::buffer).toArray(io.vertx.core.buffer.Buffer[]::new),
                Sql.texts(messages, ClaimedMessage::email), Sql.uuids(messages, ClaimedMessage::campaignId),
                Sql.uuids(messages, ClaimedMessage::customerId),
                Sql.utc(Instant.now().plus(config.unsubscribe().tokenTtl())))).replaceWithVoid();
    }

    /**
     * Records that the SES calls are about to start (one statement for the claim, before its slots are reserved, so
     * that no round trip per message sits before the slots); the messages that are still this sender's to send.
     */
    public Uni<Set<ClaimedMessage>> startAttempts(List<ClaimedMessage> messages) {
        return pool.preparedQuery(START_ATTEMPTS).execute(Tuple.of(Sql.uuids(messages, ClaimedMessage::campaignId),
                Sql.uuids(messages, ClaimedMessage::customerId))).map(rows -> {
            Set<List<UUID>> keys = new HashSet<>();
            for (Row row : rows) {
                keys.add(List.of(row.getUUID("campaign_id"), row.getUUID("customer_id")));
            }
            Set<ClaimedMessage> started = new HashSet<>();
            for (ClaimedMessage m : messages) {
                if (keys.contains(List.of(m.campaignId(), m.customerId()))) {
                    started.add(m);
                }
            }
            return started;
        });
    }

    /** Hands claimed messages whose SES call never started back to READY_TO_SEND, in one statement; emits how many. */
    public Uni<Integer> release(List<ClaimedMessage> messages) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(Sql.uuids(messages, ClaimedMessage::campaignId), Sql.uuids(messages, ClaimedMessage::customerId),
                MessageStatus.READY_TO_SEND.name(), MessageStatus.READY_TO_SEND.rank())).map(rows -> rows.rowCount());
    }

    public Uni<Void> sent(ClaimedMessage m, String sesMessageId) {
        return pool.preparedQuery(SENT).execute(Tuple.of(m.campaignId(), m.customerId(), MessageStatus.SENT.rank(), MessageStatus.SENT.name(),
                sesMessageId)).replaceWithVoid();
    }

    /** Back to READY_TO_SEND after {@code delay}; {@code countsAsAttempt} is false for throttling. */
    public Uni<Void> retryLater(ClaimedMessage m, Duration delay, boolean countsAsAttempt, String reason) {
        return pool.preparedQuery(RETRY).execute(Tuple.from(Arrays.asList(m.campaignId(), m.customerId(), MessageStatus.READY_TO_SEND.name(),
                MessageStatus.READY_TO_SEND.rank(), delay.toMillis(), countsAsAttempt ? 1 : 0, reason))).replaceWithVoid();
    }

    public Uni<Void> failed(ClaimedMessage m, String reason) {
        return pool.preparedQuery(FAILED).execute(Tuple.from(Arrays.asList(m.campaignId(), m.customerId(), MessageStatus.FAILED.name(),
                MessageStatus.FAILED.rank(), reason))).replaceWithVoid();
    }

    /** Leaves the message SENDING for review: whether SES accepted it is not known. */
    public Uni<Void> outcomeUnknown(ClaimedMessage m, String reason) {
        return pool.preparedQuery(UNKNOWN).execute(Tuple.of(m.campaignId(), m.customerId(), "outcome unknown, not resent: " + reason))
                .replaceWithVoid();
    }

    public Uni<Void> completeCampaigns() {
        return campaigns.completeFinished(config.sending().stuckAfter().toSeconds());
    }

    public Uni<Long> stuckCount() {
        return pool.preparedQuery(STUCK).execute(Tuple.of(config.sending().stuckAfter().toSeconds()))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    private static Tuple status(MessageStatus status) {
        return Tuple.of(status.name(), status.rank());
    }
}
