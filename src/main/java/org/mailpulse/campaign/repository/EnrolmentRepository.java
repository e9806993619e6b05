package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.common.Sql;
import org.mailpulse.message.MessageStatus;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The enrolment of recipients in one set-based statement per chunk: unknown addresses become customers, inactive customers
 * are left out, suppressed addresses are enrolled as SUPPRESSED, and a second enrolment of a customer is a no-op.
 */
@ApplicationScoped
public class EnrolmentRepository {

    /** The campaign recipients are enrolled into. */
    public record Campaign(CampaignStatus status, OffsetDateTime scheduledAt) {
    }

    /** What one statement did: rows enrolled in the initial status, rows enrolled as SUPPRESSED, and the inactive customers' addresses. */
    public record Outcome(long enrolled, long suppressed, List<String> inactive) {
    }

    private static final String CAMPAIGN = "SELECT status, scheduled_at FROM campaigns WHERE campaign_id = $1";

    /**
     * One chunk: $1 addresses, $2 placeholder data as JSON, $3 the id each address gets if it is a new customer
     * (time-ordered, so index inserts append). Existing customers and suppressions are found by one index probe per
     * address: the LIMIT and the EXISTS keep the planner from hashing the whole customers table or suppression list
     * for a chunk, which at millions of rows costs more than the chunk. Public so that the enrolment benchmark can
     * read its plan.
     */
    public static final String ENROL = """
            WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) AS v(email, data, new_id)),
            created AS (
                INSERT INTO customers (customer_id, email) SELECT new_id, email FROM input
                ON CONFLICT ((lower(email))) DO NOTHING RETURNING customer_id, email, is_active),
            known AS (
                SELECT customer_id, email, is_active FROM created
                UNION ALL SELECT c.customer_id, i.email, c.is_active FROM input i
                CROSS JOIN LATERAL (SELECT customer_id, is_active FROM customers WHERE lower(email) = i.email LIMIT 1) c),
            enrolled AS (
                INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, template_data, scheduled_at)
                SELECT $4::uuid, k.customer_id, i.email,
                       CASE WHEN s.suppressed THEN $9 ELSE $5 END,
                       CASE WHEN s.suppressed THEN $7::smallint ELSE $6::smallint END,
                       i.data::jsonb, $8::timestamptz
                FROM input i JOIN known k ON k.email = i.email AND k.is_active
                CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM suppression_list WHERE email = i.email) AS suppressed) s
                ON CONFLICT (campaign_id, customer_id) DO NOTHING
                RETURNING status)
            SELECT (SELECT count(*) FROM enrolled WHERE status <> $9) AS enrolled,
                   (SELECT count(*) FROM enrolled WHERE status = $9) AS suppressed,
                   (SELECT coalesce(array_agg(email), '{}') FROM known WHERE NOT is_active) AS inactive
            """;

    private final Pool pool;

    public EnrolmentRepository(Pool pool) {
        this.pool = pool;
    }

    /** Null for an unknown campaign. */
    public Uni<Campaign> campaign(UUID campaignId) {
        return pool.preparedQuery(CAMPAIGN).execute(Tuple.of(campaignId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Campaign(CampaignStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT)), row.getOffsetDateTime("scheduled_at"));
        });
    }

    /**
     * Enrols the (lowercase, distinct) addresses with their placeholder data as JSON, in {@code initial} unless
     * suppressed, creating the unknown ones as customers with the given ids; one statement.
     */
    public Uni<Outcome> enrol(UUID campaignId, String[] emails, String[] data, UUID[] newIds, MessageStatus initial,
                              OffsetDateTime scheduledAt) {
        return pool.preparedQuery(ENROL).execute(Tuple.from(Arrays.asList(emails, data, newIds, campaignId,
                        initial.name(), initial.rank(), MessageStatus.SUPPRESSED.rank(),
                        scheduledAt == null ? Sql.utc(null) : scheduledAt, MessageStatus.SUPPRESSED.name())))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Outcome(row.getLong("enrolled"), row.getLong("suppressed"), List.of(row.getArrayOfStrings("inactive")));
                });
    }
}
