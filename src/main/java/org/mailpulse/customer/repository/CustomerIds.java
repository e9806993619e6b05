package org.mailpulse.customer.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Customer ids by address, read inside another domain's transaction (no Panache session). */
@ApplicationScoped
public class CustomerIds {

    // lower(email), the same as email (a CHECK keeps emails lowercase), is what the unique index serves; a plain
    // email = ANY(...) scans the whole table.
    private static final String BY_EMAIL = "SELECT customer_id, email FROM customers WHERE lower(email) = ANY($1::text[])";

    /** The ids of the customers with these (lowercase) addresses; an address without a customer is absent. */
    public Uni<Map<String, UUID>> byEmail(SqlConnection connection, String[] emails) {
        if (emails.length == 0) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery(BY_EMAIL).execute(Tuple.of(emails)).map(rows -> {
            Map<String, UUID> customers = new HashMap<>();
            for (Row row : rows) {
                customers.put(row.getString("email"), row.getUUID("customer_id"));
            }
            return customers;
        });
    }
}
