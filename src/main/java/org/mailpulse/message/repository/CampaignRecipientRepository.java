package org.mailpulse.message.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.CampaignRecipient;

@ApplicationScoped
@WithSession
public class CampaignRecipientRepository implements PanacheRepositoryBase<CampaignRecipient, CampaignRecipient.Key> {

    public Uni<CampaignRecipient> findBySesMessageId(String sesMessageId) {
        return find("sesMessageId", sesMessageId).firstResult();
    }
}
