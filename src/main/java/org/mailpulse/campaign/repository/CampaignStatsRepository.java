package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageLifecycle;
import org.mailpulse.message.MessageStatus;

import java.util.Arrays;
import java.util.UUID;

/** The counts of one campaign's messages, from their first times (each message counts once). */
@ApplicationScoped
public class CampaignStatsRepository {

    public record Counts(long recipients, long sent, long delivered, long bouncedHard, long bouncedSoft, long complained,
                         long opened, long clicked, long unsubscribed, long failed, long suppressed) {
    }

    private static final String QUERY = """
            SELECT count(*) AS recipients,
                   count(sent_at) AS sent,
                   count(delivered_at) AS delivered,
                   count(*) FILTER (WHERE bounce_type = $2) AS bounced_hard,
                   count(*) FILTER (WHERE bounce_type = $3) AS bounced_soft,
                   count(complained_at) AS complained,
                   count(opened_at) AS opened,
                   count(clicked_at) AS clicked,
                   count(unsubscribed_at) AS unsubscribed,
                   count(*) FILTER (WHERE status IN ($4, $5)) AS failed,
                   count(*) FILTER (WHERE status = $6) AS suppressed,
                   (SELECT count(*) FROM campaigns WHERE campaign_id = $1) AS campaigns
            FROM campaign_recipients WHERE campaign_id = $1
            """;

    private final Pool pool;

    public CampaignStatsRepository(Pool pool) {
        this.pool = pool;
    }

    /** Null for an unknown campaign. */
    public Uni<Counts> of(UUID campaignId) {
        return pool.preparedQuery(QUERY).execute(Tuple.from(Arrays.asList(campaignId, MessageLifecycle.HARD_BOUNCE, MessageLifecycle.SOFT_BOUNCE,
                MessageStatus.FAILED.name(), MessageStatus.REJECTED.name(), MessageStatus.SUPPRESSED.name()))).map(rows -> {
            Row r = rows.iterator().next();
            if (r.getLong("campaigns") == 0) {
                return null;
            }
            return new Counts(r.getLong("recipients"), r.getLong("sent"), r.getLong("delivered"), r.getLong("bounced_hard"),
                    r.getLong("bounced_soft"), r.getLong("complained"), r.getLong("opened"), r.getLong("clicked"),
                    r.getLong("unsubscribed"), r.getLong("failed"), r.getLong("suppressed"));
        });
    }
}
