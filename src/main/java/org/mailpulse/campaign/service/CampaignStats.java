package org.mailpulse.campaign.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Rates;

import java.util.UUID;

/** Counts and rates of one campaign, from its messages' first times (each message counts once). */
@ApplicationScoped
public class CampaignStats {

    @RegisterForReflection
    public record Stats(long recipients, long sent, long delivered, long bouncedHard, long bouncedSoft, long complained,
                        long opened, long clicked, long unsubscribed, long failed, long suppressed,
                        double deliveryRate, double bounceRate, double complaintRate, double openRate, double clickRate,
                        double clickToOpenRate, double unsubscribeRate) {
    }

    private static final String QUERY = """
            SELECT count(*) AS recipients,
                   count(sent_at) AS sent,
                   count(delivered_at) AS delivered,
                   count(*) FILTER (WHERE bounce_type = 'hard') AS bounced_hard,
                   count(*) FILTER (WHERE bounce_type = 'soft') AS bounced_soft,
                   count(complained_at) AS complained,
                   count(opened_at) AS opened,
                   count(clicked_at) AS clicked,
                   count(unsubscribed_at) AS unsubscribed,
                   count(*) FILTER (WHERE status IN ('FAILED', 'REJECTED')) AS failed,
                   count(*) FILTER (WHERE status = 'SUPPRESSED') AS suppressed,
                   (SELECT count(*) FROM campaigns WHERE campaign_id = $1) AS campaigns
            FROM campaign_recipients WHERE campaign_id = $1
            """;

    private final Pool pool;

    public CampaignStats(Pool pool) {
        this.pool = pool;
    }

    /** Null for an unknown campaign. */
    public Uni<Stats> of(UUID campaignId) {
        return pool.preparedQuery(QUERY).execute(Tuple.of(campaignId)).map(rows -> {
            Row r = rows.iterator().next();
            if (r.getLong("campaigns") == 0) {
                return null;
            }
            long sent = r.getLong("sent");
            long delivered = r.getLong("delivered");
            long opened = r.getLong("opened");
            long clicked = r.getLong("clicked");
            long bounced = r.getLong("bounced_hard") + r.getLong("bounced_soft");
            return new Stats(r.getLong("recipients"), sent, delivered, r.getLong("bounced_hard"), r.getLong("bounced_soft"),
                    r.getLong("complained"), opened, clicked, r.getLong("unsubscribed"), r.getLong("failed"), r.getLong("suppressed"),
                    Rates.of(delivered, sent), Rates.of(bounced, sent), Rates.of(r.getLong("complained"), sent), Rates.of(opened, delivered),
                    Rates.of(clicked, delivered), Rates.of(clicked, opened), Rates.of(r.getLong("unsubscribed"), sent));
        });
    }
}
