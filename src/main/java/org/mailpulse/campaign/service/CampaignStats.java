package org.mailpulse.campaign.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.repository.CampaignStatsRepository;
import org.mailpulse.common.Rates;
import org.mailpulse.message.MessageStatus;

import java.util.UUID;

/** Counts and rates of one campaign, from the kept counts of its messages' first times (each message counts once). */
@ApplicationScoped
public class CampaignStats {

    @RegisterForReflection
    public record Stats(long recipients, long sent, long delivered, long bouncedHard, long bouncedSoft, long complained,
                        long opened, long clicked, long unsubscribed, long failed, long suppressed,
                        double deliveryRate, double bounceRate, double complaintRate, double openRate, double clickRate,
                        double clickToOpenRate, double unsubscribeRate) {
    }

    private final CampaignStatsRepository counts;

    public CampaignStats(CampaignStatsRepository counts) {
        this.counts = counts;
    }

    /** Null for an unknown campaign. */
    public Uni<Stats> of(UUID campaignId) {
        return counts.of(campaignId).map(c -> {
            if (c == null) {
                return null;
            }
            long sent = c.sent();
            long delivered = c.delivered();
            long opened = c.opened();
            long clicked = c.clicked();
            long bounced = c.bouncedHard() + c.bouncedSoft();
            return new Stats(c.recipients(), sent, delivered, c.bouncedHard(), c.bouncedSoft(),
                    c.complained(), opened, clicked, c.unsubscribed(),
                    c.status(MessageStatus.FAILED) + c.status(MessageStatus.REJECTED), c.status(MessageStatus.SUPPRESSED),
                    Rates.of(delivered, sent), Rates.of(bounced, sent), Rates.of(c.complained(), sent), Rates.of(opened, delivered),
                    Rates.of(clicked, delivered), Rates.of(clicked, opened), Rates.of(c.unsubscribed(), sent));
        });
    }
}
