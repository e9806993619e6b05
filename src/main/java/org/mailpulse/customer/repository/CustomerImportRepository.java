package org.mailpulse.customer.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Imported customers upserted by email, a chunk in one statement; a missing name, company or country keeps the stored one. */
@ApplicationScoped
public class CustomerImportRepository {

    /** How many rows of one statement were created and how many updated. */
    public record Outcome(long created, long updated) {
    }

    /**
     * One chunk; $5 is the id each address gets if it is a new customer (time-ordered, so index inserts append).
     * Public so that the enrolment benchmark can read its plan.
     */
    public static final String UPSERT = """
            WITH upserted AS (
                INSERT INTO customers (customer_id, email, name, company, country)
                SELECT id, e, n, c, co FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[]) AS v(e, n, c, co, id)
                ON CONFLICT ((lower(email))) DO UPDATE SET
                    name = coalesce(EXCLUDED.name, customers.name),
                    company = coalesce(EXCLUDED.company, customers.company),
                    country = coalesce(EXCLUDED.country, customers.country),
                    updated_at = now()
                RETURNING (xmax = 0) AS created)
            SELECT count(*) FILTER (WHERE created) AS created, count(*) FILTER (WHERE NOT created) AS updated FROM upserted
            """;

    private final Pool pool;

    public CustomerImportRepository(Pool pool) {
        this.pool = pool;
    }

    /** Upserts the (lowercase, distinct) addresses, creating the unknown ones with the given ids; one statement. */
    public Uni<Outcome> upsert(String[] emails, String[] names, String[] companies, String[] countries, UUID[] newIds) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(emails, names, companies, countries, newIds)).map(rows -> {
            Row row = rows.iterator().next();
            return new Outcome(row.getLong("created"), row.getLong("updated"));
        });
    }
}
