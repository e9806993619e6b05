package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.ingest.repository.DedupeKeyRepository;
import org.mailpulse.ingest.repository.DedupeKeyRepository.Keys;
import org.mailpulse.testsupport.Db;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The claim against the real PostgreSQL: event keys, keys stored before V8, and the copies written for older replicas. */
@QuarkusTest
class DedupeKeyRepositoryTest {

    @Inject
    Pool pool;

    @Inject
    DedupeKeyRepository configured;

    private Set<String> claim(DedupeKeyRepository repository, Keys... keys) {
        return pool.withTransaction(connection -> repository.claim(connection, List.of(keys))).await().atMost(Duration.ofSeconds(10));
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID();
    }

    @Test
    void aKeyIsFreshOnceAndNoPreV8KeyIsWrittenByDefault() {
        Keys keys = new Keys(unique("ev:"), unique("sns-"));
        assertThat(claim(configured, keys)).containsExactly(keys.key());
        assertThat(claim(configured, keys)).isEmpty();
        assertThat(Db.row("select pre_v8 from ingest_dedupe where notification_id = ?", keys.key()).get("pre_v8")).isEqualTo(false);
        assertThat(Db.count("select count(*) from ingest_dedupe where notification_id = ?", keys.preV8Key())).isZero();
    }

    @Test
    void aPreV8KeyStoredByAnOlderVersionMakesTheEventADuplicate() {
        Keys applied = new Keys(unique("ev:"), unique("sns-"));
        Keys other = new Keys(unique("ev:"), unique("raw:"));
        // an older replica's insert: it names no pre_v8 value
        Db.update("insert into ingest_dedupe (notification_id) values (?)", applied.preV8Key());
        assertThat(claim(configured, applied, other)).containsExactly(other.key());
    }

    @Test
    void copiesForOlderReplicasAreStoredButNeverMakeTwoDistinctEventsOne() {
        DedupeKeyRepository writingCopies = new DedupeKeyRepository(pool, () -> true);
        // two opens in the same millisecond from two places: one pre-V8 digest, two identities
        String digest = unique("raw:");
        Keys first = new Keys(unique("ev:"), digest);
        Keys second = new Keys(unique("ev:"), digest);
        assertThat(claim(writingCopies, first, second)).containsExactlyInAnyOrder(first.key(), second.key());
        assertThat(Db.row("select pre_v8 from ingest_dedupe where notification_id = ?", digest).get("pre_v8"))
                .as("what an older replica looks up").isEqualTo(false);
        Keys third = new Keys(unique("ev:"), digest);
        assertThat(claim(writingCopies, third)).containsExactly(third.key());
        assertThat(claim(configured, new Keys(unique("ev:"), digest))).hasSize(1);
    }
}
