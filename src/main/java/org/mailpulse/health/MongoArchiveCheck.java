package org.mailpulse.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.mailpulse.ingest.archive.ArchivedSesEvent;

import java.time.Duration;

/**
 * In the ingestion group: the MongoDB archive answers a ping. It replaces the MongoDB extension's readiness
 * check ({@code quarkus.mongodb.health.enabled=false}), because only ingestion writes to MongoDB.
 */
@HealthGroup(IngestBackoffCheck.GROUP)
@ApplicationScoped
public class MongoArchiveCheck implements AsyncHealthCheck {

    private static final String NAME = "MongoDB event archive";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Override
    public Uni<HealthCheckResponse> call() {
        return ArchivedSesEvent.mongoDatabase().runCommand(new Document("ping", 1))
                .ifNoItem().after(TIMEOUT).fail()
                .map(ignored -> HealthCheckResponse.named(NAME).up().build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", failure.getClass().getSimpleName()).build());
    }
}
