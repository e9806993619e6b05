package org.mailpulse.campaign.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.repository.EnrolmentRepository;
import org.mailpulse.common.AddressLanes;
import org.mailpulse.common.BulkWriteConfig;
import org.mailpulse.common.CsvChunks;
import org.mailpulse.common.Emails;
import org.mailpulse.common.TimeOrderedIds;
import org.mailpulse.message.MessageStatus;

import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Enrols recipients into a campaign from JSON or CSV, a chunk at a time: unknown addresses become customers,
 * inactive customers are refused, suppressed addresses are enrolled as SUPPRESSED (so the campaign shows them,
 * but they are never sent), and the composite key makes a second enrolment of a customer a no-op. A chunk is
 * split among {@code mailpulse.bulk.writers} statements by address, written at once; the next chunk is read
 * meanwhile and written when they have all committed, so a repeat in a later chunk counts as already enrolled.
 */
@ApplicationScoped
public class EnrolmentService {

    private final EnrolmentRepository enrolments;
    private final TimeOrderedIds ids;
    private final BulkWriteConfig bulk;
    private final ObjectMapper json;

    public EnrolmentService(EnrolmentRepository enrolments, TimeOrderedIds ids, BulkWriteConfig bulk, ObjectMapper json) {
        this.enrolments = enrolments;
        this.ids = ids;
        this.bulk = bulk;
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
                .chain(target -> CsvChunks.read(body, bulk.chunkRows(), worker)
                        .emitOn(worker, 2)
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
        return enrolments.campaign(campaignId).map(campaign -> {
            if (campaign == null) {
                throw new NotFoundException("No campaign " + campaignId);
            }
            CampaignStatus status = campaign.status();
            if (!status.acceptsRecipients()) {
                throw new ClientErrorException("Cannot add recipients to a campaign that is done", Response.Status.CONFLICT);
            }
            OffsetDateTime scheduledAt = campaign.scheduledAt();
            MessageStatus initial = status == CampaignStatus.DRAFT ? MessageStatus.CREATED
                    : scheduledAt != null && scheduledAt.toInstant().isAfter(Instant.now()) ? MessageStatus.SCHEDULED
                    : MessageStatus.READY_TO_SEND;
            return new Target(initial, scheduledAt);
        });
    }

    private Uni<Void> write(UUID campaignId, Target target, List<Candidate> chunk, EnrolmentReport.Builder report) {
        Map<String, Candidate> valid = new HashMap<>();
        List<Candidate> rows = new ArrayList<>(chunk.size());
        for (Candidate candidate : chunk) {
            String email = Emails.normalise(candidate.email());
            if (!Emails.isValid(email)) {
                report.reject(candidate.line(), email == null ? "email is missing" : "email is not a valid address");
            } else if (valid.containsKey(email)) {
                report.reject(candidate.line(), "duplicate of line " + valid.get(email).line());
            } else {
                Candidate normalised = new Candidate(candidate.line(), email, candidate.data());
                valid.put(email, normalised);
                rows.add(normalised);
            }
        }
        List<Uni<EnrolmentRepository.Outcome>> writes = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (List<Candidate> lane : AddressLanes.split(rows, Candidate::email, bulk.writers())) {
            if (!lane.isEmpty()) {
                String[] emails = lane.stream().map(Candidate::email).toArray(String[]::new);
                String[] data = lane.stream().map(c -> toJson(c.data())).toArray(String[]::new);
                writes.add(enrolments.enrol(campaignId, emails, data, ids.next(emails.length), target.initial(), target.scheduledAt()));
                sizes.add(emails.length);
            }
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.combine().all().unis(writes).with(EnrolmentRepository.Outcome.class, outcomes -> {
            for (int i = 0; i < outcomes.size(); i++) {
                EnrolmentRepository.Outcome outcome = outcomes.get(i);
                for (String inactive : outcome.inactive()) {
                    report.reject(valid.get(inactive).line(), "the customer is inactive");
                }
                report.enrolled(outcome.enrolled());
                report.suppressed(outcome.suppressed());
                report.alreadyEnrolled(sizes.get(i) - outcome.enrolled() - outcome.suppressed() - outcome.inactive().size());
            }
            return null;
        }).replaceWithVoid();
    }

    private String toJson(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data == null ? Map.of() : data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("placeholder data cannot be written as JSON", e);
        }
    }

    private List<List<Candidate>> partition(List<Candidate> candidates) {
        List<List<Candidate>> chunks = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += bulk.chunkRows()) {
            chunks.add(candidates.subList(from, Math.min(candidates.size(), from + bulk.chunkRows())));
        }
        return chunks;
    }

    private record Candidate(long line, String email, Map<String, Object> data) {
    }

    private record Target(MessageStatus initial, OffsetDateTime scheduledAt) {
    }
}
