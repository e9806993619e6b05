package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class DedupeKeyPrunerTest {

    @Inject
    DedupeKeyPruner pruner;

    @Test
    void forgetsOnlyKeysOlderThanTheRetention() {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        Db.update("insert into ingest_dedupe (notification_id, processed_at) values (?, now() - interval '31 days')", old);
        Db.update("insert into ingest_dedupe (notification_id, processed_at) values (?, now() - interval '29 days')", recent);
        Db.update("insert into soft_bounces (email, bounced_at, notification_id) values (?, now() - interval '40 days', ?)", old + "@example.com", old);
        Db.update("insert into soft_bounces (email, bounced_at, notification_id) values (?, now() - interval '1 day', ?)", recent + "@example.com", recent);

        pruner.prune().await().atMost(Duration.ofSeconds(30));

        assertThat(Db.count("select count(*) from ingest_dedupe where notification_id = ?", old)).isZero();
        assertThat(Db.count("select count(*) from ingest_dedupe where notification_id = ?", recent)).isOne();
        assertThat(Db.count("select count(*) from soft_bounces where notification_id = ?", old)).isZero();
        assertThat(Db.count("select count(*) from soft_bounces where notification_id = ?", recent)).as("a soft bounce inside the window").isOne();
    }
}
