package org.mailpulse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mailpulse.embedded.EmbeddedPostgresServer;
import org.mailpulse.embedded.FreePort;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hot statement of ingestion, sending and the API, planned as the application runs it (a prepared statement
 * with parameters, so a generic plan) against tables filled to realistic sizes, must not read a large table
 * whole, sequentially or by a whole index, nor sort a large number of rows to return a few (a top-N sort over a
 * whole campaign's messages). The statements are the repositories' own constants, so a changed statement is checked
 * as it is.
 */
class ExplainGuardTest {

    /** A table with more rows than this is large: reading it whole on a hot path is a defect. */
    private static final long LARGE = 10_000;

    /** The hot statements, by repository class and constant name. */
    private static final List<String> HOT = List.of(
            // ingestion
            "ingest.repository.DedupeKeyRepository.CLAIM",
            "ingest.repository.DedupeKeyRepository.PRUNE",
            "ingest.repository.QuarantineRepository.INSERT",
            "customer.repository.CustomerIds.BY_EMAIL",
            "message.repository.RecipientStatusWriter.LOCK",
            "message.repository.RecipientStatusWriter.LOCK_BY_TAGS",
            "message.repository.RecipientStatusWriter.UPDATE",
            "message.repository.MessageEventWriter.INSERT",
            "report.repository.MessageReportWriter.UPSERT_SUMMARY",
            "report.repository.MessageReportWriter.INSERT_DETAIL",
            "suppression.repository.SuppressionWriter.UPSERT",
            "suppression.repository.SuppressionWriter.RECORD_DELIVERIES",
            "suppression.repository.SuppressionWriter.RECORD_SOFT_BOUNCES",
            "suppression.repository.SuppressionWriter.SOFT_BOUNCES_IN_WINDOW",
            "suppression.repository.SuppressionWriter.PRUNE_SOFT_BOUNCES",
            // sending
            "campaign.repository.SendLedger.RELEASE_SCHEDULED",
            "campaign.repository.SendLedger.RECOVER_UNSTARTED",
            "campaign.repository.SendLedger.CLAIM",
            "campaign.repository.SendLedger.TEMPLATES",
            "campaign.repository.SendLedger.ISSUE_TOKENS",
            "campaign.repository.SendLedger.RELEASE",
            "campaign.repository.SendLedger.START_ATTEMPTS",
            "campaign.repository.SendLedger.SENT",
            "campaign.repository.SendLedger.RETRY",
            "campaign.repository.SendLedger.FAILED",
            "campaign.repository.SendLedger.UNKNOWN",
            "campaign.repository.SendLedger.STUCK",
            "campaign.repository.CampaignStatusRepository.START_DUE",
            "campaign.repository.CampaignStatusRepository.COMPLETE_FINISHED",
            "campaign.repository.CampaignCountsRepository.FOLD",
            "report.repository.ReputationRatesRepository.RATES",
            // the API
            "campaign.repository.CampaignStatsRepository.KEPT",
            "campaign.repository.CampaignStatusRepository.MOVE",
            "campaign.repository.CampaignStatusRepository.STATUS",
            "campaign.repository.CampaignStatusRepository.RELEASE_RECIPIENTS",
            "campaign.repository.EnrolmentRepository.CAMPAIGN",
            "campaign.repository.EnrolmentRepository.ENROL",
            "customer.repository.CustomerImportRepository.UPSERT",
            "unsubscribe.repository.UnsubscribeTokenStore.FIND",
            "unsubscribe.repository.UnsubscribeTokenStore.USE");

    private static EmbeddedPostgresServer server;
    private static Connection connection;

    @BeforeAll
    static void fillTables() throws Exception {
        server = EmbeddedPostgresServer.start(Files.createTempDirectory("mailpulse-explain-pg"), FreePort.find());
        Flyway.configure().dataSource(server.jdbcUrl(), EmbeddedPostgresServer.username(), "").load().migrate();
        connection = DriverManager.getConnection(server.jdbcUrl(), EmbeddedPostgresServer.username(), "");
        try (Statement s = connection.createStatement()) {
            for (String sql : VOLUMES) {
                s.execute(sql);
            }
            s.execute("ANALYZE");
            s.execute("SET plan_cache_mode = force_generic_plan");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> noHotStatementReadsALargeTableWhole() {
        return HOT.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            List<String> scans = readsOfLargeInputs(plan(name, statement(name)));
            assertThat(scans).as("sequential scans of large tables and large sorts in the generic plan of %s", name).isEmpty();
        }));
    }

    /** The guard itself: statements that read a large table whole (by a sequential scan, a sort or a whole index) are caught. */
    @TestFactory
    Stream<DynamicTest> aWholeReadOfALargeTableIsCaught() {
        return Stream.of(DynamicTest.dynamicTest("customers by name", () -> assertThat(readsOfLargeInputs(
                        plan("probe", "SELECT customer_id FROM customers WHERE name = $1"))).containsExactly("customers")),
                DynamicTest.dynamicTest("the next ready messages by an order no index has", () -> assertThat(readsOfLargeInputs(plan("probe", """
                        SELECT r.customer_id FROM campaign_recipients r JOIN campaigns c ON c.campaign_id = r.campaign_id
                        WHERE c.status = 'sending' AND r.status = 'READY_TO_SEND' ORDER BY r.next_attempt_at NULLS FIRST, r.created_at LIMIT $1
                        """))).singleElement().asString().startsWith("sort of")),
                DynamicTest.dynamicTest("claimed messages joined back by key (a merge join over the whole primary key)", () -> assertThat(
                        readsOfLargeInputs(plan("probe", """
                        UPDATE campaign_recipients r SET status = 'SENDING', updated_at = now()
                        FROM campaigns c, (SELECT n.campaign_id, n.customer_id FROM campaigns c2 CROSS JOIN LATERAL (
                                  SELECT r2.campaign_id, r2.customer_id, r2.next_attempt_at, r2.created_at FROM campaign_recipients r2
                                  WHERE r2.campaign_id = c2.campaign_id AND r2.status = 'READY_TO_SEND'
                                    AND (r2.next_attempt_at IS NULL OR r2.next_attempt_at <= now())
                                  ORDER BY r2.next_attempt_at NULLS FIRST, r2.created_at
                                  LIMIT $1 FOR UPDATE OF r2 SKIP LOCKED) n
                              WHERE c2.status = 'sending' ORDER BY n.next_attempt_at NULLS FIRST, n.created_at LIMIT $1) picked
                        WHERE c.campaign_id = r.campaign_id AND r.campaign_id = picked.campaign_id AND r.customer_id = picked.customer_id
                        """))).anySatisfy(found -> assertThat(found).startsWith("whole index"))));
    }

    private static String statement(String name) throws ReflectiveOperationException {
        int dot = name.lastIndexOf('.');
        Field field = Class.forName("org.mailpulse." + name.substring(0, dot)).getDeclaredField(name.substring(dot + 1));
        field.setAccessible(true);
        return (String) field.get(null);
    }

    private static JsonNode plan(String name, String sql) throws Exception {
        String prepared = "hot_" + Integer.toHexString(name.hashCode() & 0x7fffffff);
        try (Statement s = connection.createStatement()) {
            s.execute("DEALLOCATE ALL");
            s.execute("PREPARE " + prepared + " AS " + sql);
            int parameters;
            try (ResultSet rs = s.executeQuery("SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = '" + prepared + "'")) {
                rs.next();
                parameters = rs.getInt(1);
            }
            String args = parameters == 0 ? "" : "(" + String.join(", ", java.util.Collections.nCopies(parameters, "NULL")) + ")";
            try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE " + prepared + args)) {
                rs.next();
                return new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
            }
        }
    }

    private static List<String> readsOfLargeInputs(JsonNode plan) throws SQLException {
        List<String> found = new ArrayList<>();
        collect(plan, false, found);
        return found;
    }

    private static void collect(JsonNode node, boolean belowLimit, List<String> found) throws SQLException {
        String type = node.path("Node Type").asText();
        if ("Seq Scan".equals(type) && rows(node.path("Relation Name").asText()) > LARGE) {
            found.add(node.path("Relation Name").asText());
        }
        // An index scan with no condition reads the whole index (a merge join's ordered input, typically), which is
        // as slow as a sequential scan; below a limit it stops after a few rows.
        if (("Index Scan".equals(type) || "Index Only Scan".equals(type)) && !node.has("Index Cond") && !belowLimit
                && rows(node.path("Relation Name").asText()) > LARGE) {
            found.add("whole index " + node.path("Index Name").asText() + " of " + node.path("Relation Name").asText());
        }
        // A limit over a full sort reads every matching row to return a few: the estimate of how many match is
        // often far too low (a campaign's share is taken as the average), so any large table below it counts.
        JsonNode first = node.path("Plans").path(0);
        while ("LockRows".equals(first.path("Node Type").asText())) {
            first = first.path("Plans").path(0);
        }
        if ("Limit".equals(node.path("Node Type").asText()) && "Sort".equals(first.path("Node Type").asText())) {
            for (String table : relations(first, new ArrayList<>())) {
                if (rows(table) > LARGE) {
                    found.add("sort of " + table + " rows by " + first.path("Sort Key") + " for a limit");
                }
            }
        }
        for (JsonNode child : node.path("Plans")) {
            collect(child, belowLimit || "Limit".equals(type), found);
        }
    }

    /** The tables read below a node, except below a limit (a limited read is bounded whatever the table's size). */
    private static List<String> relations(JsonNode node, List<String> found) {
        if ("Limit".equals(node.path("Node Type").asText())) {
            return found;
        }
        if (node.has("Relation Name")) {
            found.add(node.path("Relation Name").asText());
        }
        for (JsonNode child : node.path("Plans")) {
            relations(child, found);
        }
        return found;
    }

    private static long rows(String table) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = '" + table + "'::regclass")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A sender at scale: 200,000 customers, a campaign of 150,000 messages just queued (three quarters ready:
     * 112,500), three older campaigns of the other 50,000 (few campaigns, so a generic plan takes a campaign's share
     * of the table as large, as it is at a million), 100,000 suppressions and tokens, 200,000 dedupe keys and
     * history rows.
     */
    private static final List<String> VOLUMES = List.of(
            """
            INSERT INTO templates (template_id, name, provider, provider_template_name)
            VALUES ('00000000-0000-0000-0000-000000000001', 't', 'ses', 'weekly')
            """,
            """
            INSERT INTO campaigns (campaign_id, campaign_name, template_id, status)
            SELECT ('00000000-0000-0000-0001-' || lpad(i::text, 12, '0'))::uuid, 'c' || i,
                   '00000000-0000-0000-0000-000000000001', CASE WHEN i = 1 THEN 'sending' WHEN i < 5 THEN 'paused' ELSE 'done' END
            FROM generate_series(1, 40) i
            """,
            """
            INSERT INTO customers (customer_id, email, name, country, is_active)
            SELECT ('00000000-0000-0000-0002-' || lpad(i::text, 12, '0'))::uuid, 'user' || i || '@example' || (i % 50) || '.com',
                   'Name ' || i, 'NL', i % 100 <> 0
            FROM generate_series(1, 200000) i
            """,
            """
            INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, sent_at,
                                             delivered_at, opened_at, bounce_type, next_attempt_at)
            SELECT ('00000000-0000-0000-0001-' || lpad(c::text, 12, '0'))::uuid, ('00000000-0000-0000-0002-' || lpad(i::text, 12, '0'))::uuid,
                   'user' || i || '@example' || (i % 50) || '.com',
                   CASE WHEN c = 1 AND i % 20 = 1 THEN 'SENDING' WHEN c = 1 AND i % 4 <> 1 THEN 'READY_TO_SEND'
                        WHEN i % 10 = 2 THEN 'BOUNCED' WHEN i % 10 = 3 THEN 'OPENED' ELSE 'DELIVERED' END,
                   0,
                   CASE WHEN c = 1 AND (i % 4 <> 1 OR i % 20 = 1) THEN NULL ELSE 'ses-' || c || '-' || i END,
                   CASE WHEN c = 1 AND (i % 4 <> 1 OR i % 20 = 1) THEN NULL ELSE now() - (i % 720) * interval '1 hour' END,
                   CASE WHEN i % 10 NOT IN (0, 1, 2) THEN now() - (i % 720) * interval '1 hour' END,
                   CASE WHEN i % 10 = 3 THEN now() - (i % 720) * interval '1 hour' END,
                   CASE WHEN i % 10 = 2 THEN CASE WHEN i % 3 = 0 THEN 'hard' ELSE 'soft' END END,
                   NULL
            FROM generate_series(1, 200000) i, LATERAL (SELECT CASE WHEN i <= 150000 THEN 1 ELSE 2 + i % 3 END AS c) k
            """,
            """
            INSERT INTO suppression_list (email, reason, reason_rank, source)
            SELECT 'gone' || i || '@example.com', CASE WHEN i % 2 = 0 THEN 'bounce_hard' ELSE 'unsubscribe' END,
                   CASE WHEN i % 2 = 0 THEN 3 ELSE 1 END, 'ses'
            FROM generate_series(1, 100000) i
            """,
            """
            INSERT INTO unsubscribe_tokens (token_id, token_hash, email, campaign_id, customer_id, expires_at)
            SELECT gen_random_uuid(), sha256(i::text::bytea), 'user' || i || '@example' || (i % 50) || '.com',
                   '00000000-0000-0000-0001-000000000001', ('00000000-0000-0000-0002-' || lpad(i::text, 12, '0'))::uuid,
                   now() + interval '30 days'
            FROM generate_series(1, 100000) i
            """,
            """
            INSERT INTO ingest_dedupe (notification_id, processed_at)
            SELECT 'n-' || i, now() - (i % 1440) * interval '10 minutes' FROM generate_series(1, 200000) i
            """,
            """
            INSERT INTO ingest_quarantine (sqs_message_id, reason, body)
            SELECT 'q-' || i, 'malformed', '{}' FROM generate_series(1, 20000) i
            """,
            """
            INSERT INTO soft_bounces (email, bounced_at, notification_id)
            SELECT 'user' || i || '@example' || (i % 50) || '.com', now() - (i % 1440) * interval '10 minutes', 's-' || i
            FROM generate_series(1, 100000) i
            """,
            """
            INSERT INTO address_deliveries (email, last_delivery_at)
            SELECT 'user' || i || '@example' || (i % 50) || '.com', now() - (i % 1440) * interval '10 minutes'
            FROM generate_series(1, 100000) i
            """,
            """
            INSERT INTO email_events_op (event_id, notification_id, event_type, email, campaign_id, ses_message_id, status, event_time)
            SELECT gen_random_uuid(), 'n-' || i, 'delivery', 'user' || i || '@example.com', '00000000-0000-0000-0001-000000000001',
                   'ses-1-' || i, 'DELIVERED', now() - (i % 600) * interval '1 minute'
            FROM generate_series(1, 200000) i
            """,
            """
            INSERT INTO ses_report_summary (message_id, campaign_id, user_email, mail_timestamp)
            SELECT 'ses-1-' || i, '00000000-0000-0000-0001-000000000001', 'user' || i || '@example.com', now() - (i % 600) * interval '1 minute'
            FROM generate_series(1, 100000) i
            """,
            """
            INSERT INTO ses_report_detail (notification_message_id, report_id, event_type, message_id, event_time)
            SELECT 'n-' || i, i, 'delivery', 'ses-1-' || i, now() - (i % 600) * interval '1 minute'
            FROM generate_series(1, 100000) i
            """);
}
