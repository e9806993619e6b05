package org.mailpulse.message.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.message.MessageEvent;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class MessageEventRepository implements PanacheRepositoryBase<MessageEvent, UUID> {

    public Uni<List<MessageEvent>> historyOf(String sesMessageId) {
        return find("sesMessageId = ?1 order by eventTime, id", sesMessageId).list();
    }
}
