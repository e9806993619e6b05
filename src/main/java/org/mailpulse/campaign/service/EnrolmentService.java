package org.mailpulse.campaign.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.common.CsvChunks;
import org.mailpulse.common.Emails;
import org.mailpulse.common.Sql;
import org.mailpulse.message.MessageStatus;

import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Enrols recipients into a campaign from JSON or CSV, a chunk at a time: unknown addresses become customers,
 * inactive customers are refused, suppressed addresses are enrolled as SUPPRESSED (so the campaign shows them,
 * but they are never sent), and the composite key makes a second enrolment of a customer a no-op.
 */
@ApplicationScoped
public class EnrolmentService {

    static final int CHUNK = 1_000;

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
                       CASE WHEN s.email IS NULL THEN $4 ELSE 'SUPPRESSED' END,
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
    private final ObjectMapper json;

    public EnrolmentService(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    public Uni<EnrolmentReport> enrolJson(UUID campaignId, List<CampaignRequests.Recipient> recipients) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            candidates.add(new Candidate(i + 1, recipients.get(i).email(), recipients.get(i).data()));
        }
        EnrolmentReport.Builder report = new EnrolmentReport.Builder();
        return target(campaignId)
                .chain(target -> Multi.createFrom().iterable(partition(candidates))
                        .onItem().transformToUniAndConcatenate(chunk -> write(campaignId, target, chunk, report))
                        .collect().last())
                .map(ignored -> report.build());
    }

    /** CSV with an {@code email} column; every other column becomes a placeholder value under its header name. */
    public Uni<EnrolmentReport> enrolCsv(UUID campaignId, InputStream body, Executor worker) {
        EnrolmentReport.Builder report = new EnrolmentReport.Builder();
        return target(campaignId)
                .chain(target -> CsvChunks.read(body, CHUNK, worker)
                        .onItem().transformToUniAndConcatenate(chunk -> write(campaignId, target, candidates(chunk), report))
                        .collect().last())
                .map(ignored -> report.build());
    }

    private static List<Candidate> candidates(CsvChunks.Chunk chunk) {
        int email = chunk.header().indexOf("email");
        if (email < 0) {
            throw new CsvChunks.CsvFormatException("the header has no 'email' column");
        }
        List<Candidate> candidates = new ArrayList<>();
        for (CsvChunks.Row row : chunk.rows()) {
            Map<String, Object> data = new LinkedHashMap<>();
            for (int column = 0; column < chunk.header().size(); column++) {
                String name = chunk.header().get(column);
                if (column != email && !name.isEmpty() && row.cell(column) != null) {
                    data.put(name, row.cell(column));
                }
            }
            candidates.add(new Candidate(row.line(), row.cell(email), data));
        }
        return candidates;
    }

    /** The status new recipients start in: CREATED in a draft, else released to the sender (or its schedule). */
    private Uni<Target> target(UUID campaignId) {
        return pool.preparedQuery(CAMPAIGN).execute(Tuple.of(campaignId)).map(rows -> {
            if (rows.size() == 0) {
                throw new NotFoundException("No campaign " + campaignId);
            }
            Row row = rows.iterator().next();
            CampaignStatus status = CampaignStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT));
            if (!status.acceptsRecipients()) {
                throw new ClientErrorException("Cannot add recipients to a campaign that is done", Response.Status.CONFLICT);
            }
            OffsetDateTime scheduledAt = row.getOffsetDateTime("scheduled_at");
            MessageStatus initial = status == CampaignStatus.DRAFT ? MessageStatus.CREATED
                    : scheduledAt != null && scheduledAt.toInstant().isAfter(Instant.now()) ? MessageStatus.SCHEDULED
                    : MessageStatus.READY_TO_SEND;
            return new Target(initial, scheduledAt);
        });
    }

    private Uni<Void> write(UUID campaignId, Target target, List<Candidate> chunk, EnrolmentReport.Builder report) {
        Map<String, Candidate> valid = new LinkedHashMap<>();
        for (Candidate candidate : chunk) {
            String email = Emails.normalise(candidate.email());
            if (!Emails.isValid(email)) {
                report.reject(candidate.line(), email == null ? "email is missing" : "email is not a valid address");
            } else if (valid.containsKey(email)) {
                report.reject(candidate.line(), "duplicate of line " + valid.get(email).line());
            } else {
                valid.put(email, candidate);
            }
        }
        if (valid.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> emails = new ArrayList<>(valid.keySet());
        String[] data = emails.stream().map(e -> toJson(valid.get(e).data())).toArray(String[]::new);
        return pool.preparedQuery(ENROL).execute(Tuple.from(java.util.Arrays.asList(emails.toArray(String[]::new), data, campaignId,
                        target.initial().name(), target.initial().rank(), MessageStatus.SUPPRESSED.rank(),
                        target.scheduledAt() == null ? Sql.utc(null) : target.scheduledAt())))
                .invoke(rows -> {
                    for (Row row : rows) {
                        String email = row.getString("email");
                        Boolean active = row.getBoolean("is_active");
                        String status = row.getString("status");
                        if (Boolean.FALSE.equals(active)) {
                            report.reject(valid.get(email).line(), "the customer is inactive");
                        } else if (status == null) {
                            report.alreadyEnrolled();
                        } else if (MessageStatus.SUPPRESSED.name().equals(status)) {
                            report.suppressed();
                        } else {
                            report.enrolled();
                        }
                    }
                })
                .replaceWithVoid();
    }

    private String toJson(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data == null ? Map.of() : data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("placeholder data cannot be written as JSON", e);
        }
    }

    private static List<List<Candidate>> partition(List<Candidate> candidates) {
        List<List<Candidate>> chunks = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += CHUNK) {
            chunks.add(candidates.subList(from, Math.min(candidates.size(), from + CHUNK)));
        }
        return chunks;
    }

    private record Candidate(long line, String email, Map<String, Object> data) {
    }

    private record Target(MessageStatus initial, OffsetDateTime scheduledAt) {
    }
}
