package org.mailpulse.ingest.archive;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.mailpulse.config.MailPulseConfig;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.mongodb.client.model.Filters.eq;

/** Writes raw events to MongoDB idempotently and owns the collection's indexes. */
@ApplicationScoped
public class SesEventArchive {

    private final MailPulseConfig config;

    public SesEventArchive(MailPulseConfig config) {
        this.config = config;
    }

    /** Upserts by id, so a redelivered input replaces its own document instead of adding one. */
    public Uni<Void> archive(List<ArchivedSesEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<WriteModel<ArchivedSesEvent>> writes = events.stream()
                .<WriteModel<ArchivedSesEvent>>map(e -> new ReplaceOneModel<>(eq("_id", e.id), e, new ReplaceOptions().upsert(true)))
                .toList();
        return ArchivedSesEvent.mongoCollection().bulkWrite(writes).replaceWithVoid();
    }

    /** Unique MessageId and a TTL on receivedAt; called at start-up. */
    public Uni<Void> ensureIndexes() {
        long ttlSeconds = config.archive().retention().toSeconds();
        return documents().createIndex(Indexes.ascending("MessageId"), new IndexOptions().unique(true).name("MessageId_unique"))
                .chain(() -> documents().createIndex(Indexes.ascending("receivedAt"),
                        new IndexOptions().expireAfter(ttlSeconds, TimeUnit.SECONDS).name("receivedAt_ttl")))
                .invoke(() -> Log.debugf("ses_event indexes ensured (TTL %d s)", ttlSeconds))
                .replaceWithVoid();
    }

    private ReactiveMongoCollection<Document> documents() {
        return ArchivedSesEvent.mongoCollection().withDocumentClass(Document.class);
    }
}
