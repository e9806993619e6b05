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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The enrolment of recipients in one statement per chunk: unknown addresses become customers, inactive customers
 * are left out, suppressed addresses are enrolled as SUPPRESSED, and a second enrolment of a customer is a no-op.
 */
@ApplicationScoped
public class EnrolmentRepository {

    /** The campaign recipients are enrolled into. */
    public record Campaign(CampaignStatus status, OffsetDateTime scheduledAt) {
    }

    /** What became of one address: its customer's {@code active}, and the status enrolled in now (null when it was not). */
    public record Outcome(String email, Boolean active, MessageStatus status) {
    }

    private static final String CAMPAIGN = "SELECT status, scheduled_at FROM campaigns WHERE campaign_id = $1";

    private static final String ENROL = """
            WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) AS v(email, data)),
            created AS (
                INSERT INTO customers (customer_id, email) SELECT gen_random_uuid(), email FROM input
                ON CONFLICT ((lower(email))) DO NOTHING RETURNING customer_id, email, is_active),
            known AS (
                SELECT customer_id, email, is_active FROM created
                UNION ALL SELECT c.customer_id, c.email, c.is_active FROM customers c JOIN input i ON lower(c.email) = i.email),
            enrolled AS (
                INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, template_data, scheduled_at)
                SELECT $3::uuid, k.customer_id, i.email,
                       CASE WHEN s.email IS NULL THEN $4 ELSE $8 END,
                       CASE WHEN s.email IS NULL THEN $5::smallint ELSE $6::smallint END,
                       i.data::jsonb, $7::timestamptz
                FROM input i JOIN known k ON k.email = i.email AND k.is_active
                LEFT JOIN suppression_list s ON s.email = i.email
                ON CONFLICT (campaign_id, customer_id) DO NOTHING
                RETURNING email, status)
            SELECT i.email, k.is_active, e.status FROM input i
            LEFT JOIN known k ON k.email = i.email LEFT JOIN enrolled e ON e.email = i.email
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
     * suppressed; one outcome per address.
     */
    public Uni<List<Outcome>> enrol(UUID campaignId, String[] emails, String[] data, MessageStatus initial, OffsetDateTime scheduledAt) {
        return pool.preparedQuery(ENROL).execute(Tuple.from(Arrays.asList(emails, data, campaignId,
                        initial.name(), initial.rank(), MessageStatus.SUPPRESSED.rank(),
                        scheduledAt == null ? Sql.utc(null) : scheduledAt, MessageStatus.SUPPRESSED.name())))
                .map(rows -> {
                    List<Outcome> outcomes = new ArrayList<>();
                    for (Row row : rows) {
                        String status = row.getString("status");
                        outcomes.add(new Outcome(row.getString("email"), row.getBoolean("is_active"),
                                status == null ? null : MessageStatus.valueOf(status)));
                    }
                    return outcomes;
                });
    }
}
