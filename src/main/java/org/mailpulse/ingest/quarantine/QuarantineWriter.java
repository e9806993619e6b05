package org.mailpulse.ingest.quarantine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ingest.repository.QuarantineRepository;

import java.util.List;

/** Keeps unprocessable SQS messages; idempotent on the SQS message id, so a redelivery is not quarantined twice. */
@ApplicationScoped
public class QuarantineWriter {

    public record Entry(String sqsMessageId, String reason, String body) {
    }

    private final QuarantineRepository quarantine;
    private final int bodyLimit;

    public QuarantineWriter(QuarantineRepository quarantine, MailPulseConfig config) {
        this.quarantine = quarantine;
        this.bodyLimit = config.ingest().quarantineBodyLimit();
    }

    public Uni<Void> insert(SqlConnection connection, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return quarantine.insert(connection,
                Sql.texts(entries, Entry::sqsMessageId),
                Sql.texts(entries, e -> storable(e.reason())),
                entries.stream().map(e -> truncate(e.body())).toArray(String[]::new),
                entries.stream().map(e -> e.body().length() > bodyLimit).toArray(Boolean[]::new));
    }

    private String truncate(String body) {
        String safe = storable(body);
        return safe.length() <= bodyLimit ? safe : safe.substring(0, bodyLimit);
    }

    /**
     * PostgreSQL text cannot hold U+0000; SQS does not deliver it, but the quarantine must never fail on a body, or
     * on a reason that quotes one.
     */
    private static String storable(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }
}
