package org.mailpulse.report.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The statements on the monthly partitions of the per-event tables. */
@ApplicationScoped
public class PartitionRepository {

    private static final String ENSURE = """
            SELECT mailpulse_ensure_month_partition($1::regclass, date_trunc('month', now()) + m * interval '1 month')
            FROM generate_series(0, 2) AS m
            """;

    // Partitions named <parent>_YYYYMM whose month ended before the cut-off.
    private static final String EXPIRED = """
            SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = $1::regclass AND c.relname ~ '_[0-9]{6}$'
              AND (to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month') <= $2::timestamptz AT TIME ZONE 'UTC'
            ORDER BY c.relname
            """;

    private final Pool pool;

    public PartitionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Creates the partitions of this month and the next two where they are missing. */
    public Uni<Void> ensureComingMonths(String table) {
        return pool.preparedQuery(ENSURE).execute(Tuple.of(table)).replaceWithVoid();
    }

    /** The table's monthly partitions whose month ended before the cut-off, by name. */
    public Uni<List<String>> expired(String table, Instant cutoff) {
        return pool.preparedQuery(EXPIRED).execute(Tuple.of(table, Sql.utc(cutoff))).map(rows -> {
            List<String> names = new ArrayList<>();
            for (Row row : rows) {
                names.add(row.getString("name"));
            }
            return names;
        });
    }

    public Uni<Void> drop(String partition) {
        return pool.query("DROP TABLE IF EXISTS \"" + partition + "\"").execute().replaceWithVoid();
    }

    /** Deletes at most {@code limit} rows older than the cut-off from the partition; returns how many it deleted. */
    public Uni<Integer> deleteOlder(String partition, Instant cutoff, int limit) {
        String delete = "DELETE FROM " + partition + " WHERE ctid IN (SELECT ctid FROM " + partition
                + " WHERE event_time < $1 LIMIT " + limit + ")";
        return pool.preparedQuery(delete).execute(Tuple.of(Sql.utc(cutoff))).map(rows -> rows.rowCount());
    }
}
