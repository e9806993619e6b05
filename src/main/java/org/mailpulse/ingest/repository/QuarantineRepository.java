package org.mailpulse.ingest.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The quarantined SQS messages ({@code ingest_quarantine}); idempotent on the SQS message id. */
@ApplicationScoped
public class QuarantineRepository {

    private static final String INSERT = """
            INSERT INTO ingest_quarantine (sqs_message_id, reason, body, body_truncated)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
            ON CONFLICT (sqs_message_id) DO NOTHING
            """;

    /** Inserts the rows, one per index of the arrays, inside the caller's transaction; a known SQS message id is skipped. */
    public Uni<Void> insert(SqlConnection connection, String[] sqsMessageIds, String[] reasons, String[] bodies, Boolean[] bodyTruncated) {
        return connection.preparedQuery(INSERT).execute(Tuple.of(sqsMessageIds, reasons, bodies, bodyTruncated)).replaceWithVoid();
    }
}
