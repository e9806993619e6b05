package org.mailpulse.customer.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Imported customers upserted by email, a chunk in one statement; a missing name, company or country keeps the stored one. */
@ApplicationScoped
public class CustomerImportRepository {

    private static final String UPSERT = """
            INSERT INTO customers (customer_id, email, name, company, country)
            SELECT gen_random_uuid(), e, n, c, co FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(e, n, c, co)
            ON CONFLICT ((lower(email))) DO UPDATE SET
                name = coalesce(EXCLUDED.name, customers.name),
                company = coalesce(EXCLUDED.company, customers.company),
                country = coalesce(EXCLUDED.country, customers.country),
                updated_at = now()
            RETURNING (xmax = 0) AS created
            """;

    private final Pool pool;

    public CustomerImportRepository(Pool pool) {
        this.pool = pool;
    }

    /** Upserts the (lowercase, distinct) addresses; one flag per row, true where the customer was created. */
    public Uni<List<Boolean>> upsert(String[] emails, String[] names, String[] companies, String[] countries) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(emails, names, companies, countries)).map(rows -> {
            List<Boolean> created = new ArrayList<>();
            for (Row row : rows) {
                created.add(row.getBoolean("created"));
            }
            return created;
        });
    }
}
