package org.mailpulse.campaign.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.Campaign;

import java.util.UUID;

@ApplicationScoped
@WithSession
public class CampaignRepository implements PanacheRepositoryBase<Campaign, UUID> {
}
