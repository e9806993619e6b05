package org.mailpulse.report;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.report.retention.PartitionMaintenance;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.Queue;
import org.mailpulse.testsupport.SesFixtures;
import org.mailpulse.testsupport.TestData;
import org.mailpulse.testsupport.TestData.SentMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Old months go away whole; recent rows stay; a redelivered old event is still recognised as applied. */
@QuarkusTest
class RetentionTest {

    @Inject
    PartitionMaintenance maintenance;

    @Test
    void dropsExpiredMonthsKeepsRecentRowsAndDeduplicationHolds() {
        Db.rows("select mailpulse_ensure_month_partition(t, '2020-01-15'::timestamptz) from unnest(array['email_events_op'::regclass, 'ses_report_detail'::regclass]) t");
        SentMessage old = TestData.sentMessage();
        String body = SesFixtures.event("publishing/open.json").messageId(old.sesMessageId()).recipient(old.email())
                .eventTimestamp(Instant.parse("2020-01-20T10:00:00Z")).inSnsEnvelope("sns-" + UUID.randomUUID());
        Queue.send(body);
        Queue.awaitDrained();
        assertThat(Db.row("select tableoid::regclass::text as part from email_events_op where ses_message_id = ?", old.sesMessageId()).get("part"))
                .isEqualTo("email_events_op_202001");
        String stray = "stray-" + UUID.randomUUID();
        Db.update("insert into email_events_op (event_id, notification_id, event_type, event_time) values (?, ?, 'open', '2019-06-01T00:00:00Z')",
                UUID.randomUUID(), stray);
        String recent = "recent-" + UUID.randomUUID();
        Db.update("insert into email_events_op (event_id, notification_id, event_type, event_time) values (?, ?, 'open', now())",
                UUID.randomUUID(), recent);

        List<String> dropped = maintenance.run(Instant.now()).await().atMost(Duration.ofSeconds(30));

        assertThat(dropped).contains("email_events_op_202001", "ses_report_detail_202001");
        assertThat(Db.row("select to_regclass('email_events_op_202001')::text as t").get("t")).isNull();
        assertThat(Db.count("select count(*) from email_events_op where notification_id = ?", stray)).isZero();
        assertThat(Db.count("select count(*) from email_events_op where notification_id = ?", recent)).isOne();
        assertThat(Db.count("select count(*) from pg_inherits where inhparent = 'email_events_op'::regclass "
                + "and inhrelid::regclass::text = 'email_events_op_' || to_char(now() + interval '2 months', 'YYYYMM')")).isOne();

        Queue.send(body);
        Queue.awaitDrained();
        assertThat(Db.count("select count(*) from email_events_op where ses_message_id = ?", old.sesMessageId())).isZero();
        assertThat(Db.row("select open_count from campaign_recipients where ses_message_id = ?", old.sesMessageId()).get("open_count")).isEqualTo(1);
    }
}
