package org.mailpulse.campaign.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageStatus;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The kept counts of campaigns' messages (V11): the folded counts plus the deltas not folded yet, so a read is exact
 * the moment a change commits, and costs the same at a million messages as at ten.
 */
@ApplicationScoped
public class CampaignStatsRepository {

    private static final String STATUS_PREFIX = "status:";

    /** One campaign's counters: by status, and each first time the stats count (each message counts once). */
    public record Counts(Map<String, Long> byStatus, long sent, long delivered, long bouncedHard, long bouncedSoft, long complained,
                         long opened, long clicked, long unsubscribed) {

        public long recipients() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        public long status(MessageStatus status) {
            return byStatus.get(status.name());
        }
    }

    // A campaign without messages has one row with a null counter; an unknown campaign has no row.
    private static final String KEPT = """
            SELECT c.campaign_id, k.counter, k.n
            FROM campaigns c LEFT JOIN LATERAL (
                SELECT counter, sum(n)::bigint AS n FROM (
                    SELECT counter, n FROM campaign_counts WHERE campaign_id = c.campaign_id
                    UNION ALL SELECT counter, delta FROM campaign_count_deltas WHERE campaign_id = c.campaign_id) x
                GROUP BY counter) k ON true
            WHERE c.campaign_id = ANY($1::uuid[])
            """;

    private final Pool pool;

    public CampaignStatsRepository(Pool pool) {
        this.pool = pool;
    }

    /** Null for an unknown campaign. */
    public Uni<Counts> of(UUID campaignId) {
        return of(List.of(campaignId)).map(counts -> counts.get(campaignId));
    }

    /** The counts of each of the campaigns that exist. */
    public Uni<Map<UUID, Counts>> of(List<UUID> campaignIds) {
        return pool.preparedQuery(KEPT).execute(Tuple.of(campaignIds.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Map<String, Long>> counters = new HashMap<>();
            for (Row row : rows) {
                Map<String, Long> campaign = counters.computeIfAbsent(row.getUUID("campaign_id"), id -> new HashMap<>());
                if (row.getString("counter") != null) {
                    campaign.put(row.getString("counter"), row.getLong("n"));
                }
            }
            Map<UUID, Counts> counts = new HashMap<>();
            counters.forEach((id, c) -> counts.put(id, counts(c)));
            return counts;
        });
    }

    private static Counts counts(Map<String, Long> c) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        Arrays.stream(MessageStatus.values()).forEach(s -> byStatus.put(s.name(), c.getOrDefault(STATUS_PREFIX + s.name(), 0L)));
        return new Counts(byStatus, c.getOrDefault("sent", 0L), c.getOrDefault("delivered", 0L), c.getOrDefault("bounced_hard", 0L),
                c.getOrDefault("bounced_soft", 0L), c.getOrDefault("complained", 0L), c.getOrDefault("opened", 0L),
                c.getOrDefault("clicked", 0L), c.getOrDefault("unsubscribed", 0L));
    }
}
