package org.mailpulse.campaign.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.mailpulse.campaign.Campaign;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.CampaignStatus.Transition;
import org.mailpulse.campaign.repository.CampaignRepository;
import org.mailpulse.campaign.repository.CampaignStatsRepository;
import org.mailpulse.campaign.repository.CampaignStatusRepository;
import org.mailpulse.common.Cursor;
import org.mailpulse.common.KeysetPageRequest;
import org.mailpulse.common.PageResponse;
import org.mailpulse.common.Pages;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.message.repository.CampaignRecipientRepository;
import org.mailpulse.template.repository.TemplateRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class CampaignService {

    private final CampaignRepository campaigns;
    private final CampaignStatusRepository statuses;
    private final CampaignRecipientRepository recipients;
    private final TemplateRepository templates;
    private final CampaignStatsRepository counts;
    private final Pool pool;

    public CampaignService(CampaignRepository campaigns, CampaignStatusRepository statuses, CampaignRecipientRepository recipients,
                           TemplateRepository templates, CampaignStatsRepository counts, Pool pool) {
        this.campaigns = campaigns;
        this.counts = counts;
        this.statuses = statuses;
        this.recipients = recipients;
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

    // A request holds one PostgreSQL connection at a time: the kept counts come from the pool once the session has
    // given its connection back, never while it holds it. Otherwise more readers than the pool has connections each
    // hold one and wait for a second, and the replica stalls, ingestion included (ConcurrentReadsTest).

    public Uni<PageResponse<CampaignView>> list(CampaignStatus status, Page page) {
        return Panache.withSession(() -> Pages.of(status == null
                        ? campaigns.findAll(Sort.by("createdAt").descending())
                        : campaigns.find("status", Sort.by("createdAt").descending(), status), page, c -> c))
                .chain(campaignsPage -> counts.of(campaignsPage.items().stream().map(c -> c.id).toList())
                        .map(kept -> campaignsPage.map(c -> CampaignView.of(c, byStatus(kept.get(c.id))))));
    }

    public Uni<CampaignView> find(UUID id) {
        return Panache.withSession(() -> campaigns.findById(id)).onItem().ifNotNull()
                .transformToUni(campaign -> counts.of(id).map(kept -> CampaignView.of(campaign, byStatus(kept))));
    }

    private static Map<String, Long> byStatus(CampaignStatsRepository.Counts kept) {
        return kept == null ? null : kept.byStatus();
    }

    /** The campaign's messages, by address, optionally of one status; pages by key, the total (first page) from the kept counts. */
    public Uni<PageResponse<RecipientView>> recipients(UUID id, MessageStatus status, KeysetPageRequest page) {
        Cursor after = page.after(2);
        List<String> where = new ArrayList<>(List.of("campaignId = :campaign"));
        Parameters params = Parameters.with("campaign", id);
        if (status != null) {
            where.add("status = :status");
            params.and("status", status);
        }
        if (after != null) {
            // the redundant >= lets the index range start at the cursor instead of filtering every row before it
            where.add("email >= :email and (email > :email or customerId > :customer)");
            params.and("email", after.text(0)).and("customer", after.uuid(1));
        }
        Uni<Long> total = page.byCursor() ? Uni.createFrom().nullItem()
                : counts.of(id).map(kept -> kept == null ? 0L : status == null ? kept.recipients() : kept.status(status));
        return total.chain(n -> Panache.withSession(() -> Pages.keyset(
                recipients.find(String.join(" and ", where), Sort.by("email").and("customerId"), params), page,
                r -> Cursor.of(r.email, r.customerId), RecipientView::of, () -> Uni.createFrom().item(n))));
    }

    /** Applies queue, pause or resume; 404 for an unknown campaign, 409 for a move its status does not allow. */
    public Uni<CampaignView> apply(UUID id, Transition transition, String reason) {
        String pausedReason = transition == Transition.PAUSE ? (reason == null ? "paused by an operator" : reason) : null;
        return pool.withTransaction(connection -> statuses.move(connection, id, transition, pausedReason)
                        .chain(moved -> {
                            if (moved == null) {
                                return refusal(id, transition);
                            }
                            return transition == Transition.QUEUE
                                    ? statuses.releaseRecipients(connection, id, moved.scheduledAt())
                                    : Uni.createFrom().voidItem();
                        }))
                .chain(() -> find(id));
    }

    private Uni<Void> refusal(UUID id, Transition transition) {
        return statuses.statusOf(id).map(status -> {
            if (status == null) {
                throw new NotFoundException("No campaign " + id);
            }
            throw new ClientErrorException("Cannot " + transition.verb() + " a campaign that is " + status.code(), Response.Status.CONFLICT);
        });
    }
}
