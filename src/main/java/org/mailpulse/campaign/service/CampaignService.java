package org.mailpulse.campaign.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.mailpulse.campaign.Campaign;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.repository.CampaignRepository;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.common.Sql;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.template.repository.TemplateRepository;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class CampaignService {

    private static final String TRANSITION = """
            UPDATE campaigns SET status = $2, paused_reason = $3, updated_at = now()
            WHERE campaign_id = $1 AND status = ANY($4::text[]) RETURNING scheduled_at
            """;

    // Queueing releases the recipients: to the sender now, or at the campaign's scheduled time.
    private static final String RELEASE_RECIPIENTS = """
            UPDATE campaign_recipients SET
                status = CASE WHEN $2::timestamptz > now() THEN $3 ELSE $4 END,
                status_rank = CASE WHEN $2::timestamptz > now() THEN $5::smallint ELSE $6::smallint END,
                scheduled_at = $2, updated_at = now()
            WHERE campaign_id = $1 AND status = 'CREATED'
            """;

    private static final String COUNTS = "SELECT status, count(*) AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status";

    private final CampaignRepository campaigns;
    private final TemplateRepository templates;
    private final Pool pool;

    public CampaignService(CampaignRepository campaigns, TemplateRepository templates, Pool pool) {
        this.campaigns = campaigns;
        this.templates = templates;
        this.pool = pool;
    }

    @WithTransaction
    public Uni<CampaignView> create(CampaignRequests.Create request) {
        return templates.findById(request.templateId()).chain(template -> {
            if (template == null) {
                return Uni.createFrom().failure(new BadRequestException("templateId: no template " + request.templateId()));
            }
            Campaign campaign = new Campaign();
            campaign.name = request.name();
            campaign.templateId = template.id;
            campaign.scheduledAt = request.scheduledAt();
            campaign.weekOfMonth = request.weekOfMonth() != null ? request.weekOfMonth() : template.weekOfMonth;
            return campaigns.persist(campaign).map(c -> CampaignView.of(c, Map.of()));
        });
    }

    @WithSession
    public Uni<PageResponse<CampaignView>> list(CampaignStatus status, Page page) {
        var query = status == null
                ? campaigns.findAll(Sort.by("createdAt").descending())
                : campaigns.find("status", Sort.by("createdAt").descending(), status);
        return Pages.of(query, page, c -> CampaignView.of(c, null));
    }

    @WithSession
    public Uni<CampaignView> find(UUID id) {
        return campaigns.findById(id).onItem().ifNotNull().transformToUni(campaign -> counts(id).map(counts -> CampaignView.of(campaign, counts)));
    }

    /** Applies queue, pause or resume; 404 for an unknown campaign, 409 for a move its status does not allow. */
    public Uni<CampaignView> apply(UUID id, CampaignStatus.Action action, String reason) {
        String[] from = Arrays.stream(CampaignStatus.values()).filter(s -> s.allows(action)).map(CampaignStatus::name)
                .map(s -> s.toLowerCase(Locale.ROOT)).toArray(String[]::new);
        String to = from.length == 0 ? null : CampaignStatus.valueOf(from[0].toUpperCase(Locale.ROOT)).after(action).name().toLowerCase(Locale.ROOT);
        String pausedReason = action == CampaignStatus.Action.PAUSE ? (reason == null ? "paused by an operator" : reason) : null;
        return pool.withTransaction(connection -> connection.preparedQuery(TRANSITION).execute(Tuple.of(id, to, pausedReason, from))
                        .chain(rows -> {
                            if (rows.rowCount() == 0) {
                                return refusal(id, action);
                            }
                            if (action != CampaignStatus.Action.QUEUE) {
                                return Uni.createFrom().voidItem();
                            }
                            var scheduledAt = rows.iterator().next().getOffsetDateTime("scheduled_at");
                            return connection.preparedQuery(RELEASE_RECIPIENTS).execute(Tuple.from(java.util.List.of(id,
                                            scheduledAt == null ? Sql.utc(java.time.Instant.EPOCH) : scheduledAt,
                                            MessageStatus.SCHEDULED.name(), MessageStatus.READY_TO_SEND.name(),
                                            MessageStatus.SCHEDULED.rank(), MessageStatus.READY_TO_SEND.rank())))
                                    .replaceWithVoid();
                        }))
                .chain(() -> find(id));
    }

    private Uni<Void> refusal(UUID id, CampaignStatus.Action action) {
        return pool.preparedQuery("SELECT status FROM campaigns WHERE campaign_id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                throw new NotFoundException("No campaign " + id);
            }
            String status = rows.iterator().next().getString("status");
            throw new ClientErrorException("Cannot " + action.name().toLowerCase(Locale.ROOT) + " a campaign that is " + status,
                    Response.Status.CONFLICT);
        });
    }

    private Uni<Map<String, Long>> counts(UUID id) {
        return pool.preparedQuery(COUNTS).execute(Tuple.of(id)).map(rows -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (MessageStatus status : MessageStatus.values()) {
                counts.put(status.name(), 0L);
            }
            for (Row row : rows) {
                counts.put(row.getString("status"), row.getLong("n"));
            }
            return counts;
        });
    }
}
