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
import org.mailpulse.common.CsvChunks;
import org.mailpulse.common.Emails;
import org.mailpulse.message.MessageStatus;

import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    private final EnrolmentRepository enrolments;
    private final ObjectMapper json;

    public EnrolmentService(EnrolmentRepository enrolments, ObjectMapper json) {
        this.enrolments = enrolments;
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
        return enrolments.enrol(campaignId, emails.toArray(String[]::new), data, target.initial(), target.scheduledAt())
                .invoke(outcomes -> {
                    for (EnrolmentRepository.Outcome outcome : outcomes) {
                        if (Boolean.FALSE.equals(outcome.active())) {
                            report.reject(valid.get(outcome.email()).line(), "the customer is inactive");
                        } else if (outcome.status() == null) {
                            report.alreadyEnrolled();
                        } else if (outcome.status() == MessageStatus.SUPPRESSED) {
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
