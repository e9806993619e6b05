package org.mailpulse.schema;

import io.quarkus.test.junit.QuarkusTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.TestServers;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database itself rejects what the seeds forbid, whoever writes it. */
@QuarkusTest
class SchemaConstraintsTest {

    @Test
    void migrationsAreAppliedAndRerunnable() throws SQLException {
        Flyway flyway = Flyway.configure()
                .dataSource(System.getProperty("mptest.pg.jdbc-url"), "postgres", "")
                .load();
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(flyway.migrate().migrationsExecuted).isZero();
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        try (Connection c = TestServers.jdbc(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("select count(*) from information_schema.tables where table_schema = 'public' and table_name in "
                    + "('customers','templates','campaigns','campaign_recipients','suppression_list','unsubscribe_tokens','email_events_op',"
                    + "'ses_report_summary','ses_report_detail','report_daily_campaign','report_daily_domain','ingest_quarantine','ingest_dedupe')");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(13);
        }
    }

    @Test
    void customerEmailIsUniqueWhateverItsCase() throws SQLException {
        String local = "dup-" + UUID.randomUUID();
        execute("insert into customers (customer_id, email) values ('%s', '%s@example.com')".formatted(UUID.randomUUID(), local));
        assertRejected("insert into customers (customer_id, email) values ('%s', '%s@EXAMPLE.com')".formatted(UUID.randomUUID(), local));
        assertRejected("insert into customers (customer_id, email) values ('%s', '%s@example.com')".formatted(UUID.randomUUID(), local));
    }

    @Test
    void weekOfMonthIsOneToFour() throws SQLException {
        assertRejected("insert into templates (template_id, name, provider, provider_template_name, week_of_month) values ('%s','t','ses','x',5)"
                .formatted(UUID.randomUUID()));
        assertRejected("insert into templates (template_id, name, provider, provider_template_name, week_of_month) values ('%s','t','ses','x',0)"
                .formatted(UUID.randomUUID()));
        execute("insert into templates (template_id, name, provider, provider_template_name, week_of_month) values ('%s','t','ses','x',4)"
                .formatted(UUID.randomUUID()));
    }

    @Test
    void enumeratedValuesAreChecked() throws SQLException {
        UUID template = UUID.randomUUID();
        execute("insert into templates (template_id, name, provider, provider_template_name) values ('%s','t','ses','x')".formatted(template));
        assertRejected("insert into templates (template_id, name, provider) values ('%s','t','mailchimp')".formatted(UUID.randomUUID()));
        assertRejected("insert into campaigns (campaign_id, campaign_name, template_id, status) values ('%s','c','%s','archived')"
                .formatted(UUID.randomUUID(), template));
        assertRejected("insert into suppression_list (email, reason, reason_rank, source) values ('x@example.com','spam',0,'ses')");
        assertRejected("insert into suppression_list (email, reason, reason_rank, source) values ('x@example.com','manual',2,'robot')");

        UUID campaign = UUID.randomUUID();
        UUID customer = UUID.randomUUID();
        execute("insert into campaigns (campaign_id, campaign_name, template_id) values ('%s','c','%s')".formatted(campaign, template));
        execute("insert into customers (customer_id, email) values ('%s','%s@example.com')".formatted(customer, customer));
        assertRejected("insert into campaign_recipients (campaign_id, customer_id, email, status) values ('%s','%s','a@example.com','LOST')"
                .formatted(campaign, customer));
    }

    @Test
    void aCustomerIsEnrolledInACampaignOnce() throws SQLException {
        UUID template = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        UUID customer = UUID.randomUUID();
        execute("insert into templates (template_id, name, provider, provider_template_name) values ('%s','t','ses','x')".formatted(template));
        execute("insert into campaigns (campaign_id, campaign_name, template_id) values ('%s','c','%s')".formatted(campaign, template));
        execute("insert into customers (customer_id, email) values ('%s','%s@example.com')".formatted(customer, customer));
        String enrol = "insert into campaign_recipients (campaign_id, customer_id, email) values ('%s','%s','%s@example.com')"
                .formatted(campaign, customer, customer);
        execute(enrol);
        assertRejected(enrol);
        try (Connection c = TestServers.jdbc(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("select recipient_status, status from campaign_recipients where campaign_id = '%s'".formatted(campaign));
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("pending");
            assertThat(rs.getString(2)).isEqualTo("CREATED");
        }
    }

    @Test
    void eventsLandInMonthlyPartitions() throws SQLException {
        try (Connection c = TestServers.jdbc(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("select count(*) from pg_inherits where inhparent = 'email_events_op'::regclass");
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(5); // default + previous, current and two coming months
            s.execute("insert into email_events_op (event_id, notification_id, event_type, event_time) values ('%s','n','open', now())"
                    .formatted(UUID.randomUUID()));
            rs = s.executeQuery("select tableoid::regclass::text from email_events_op where notification_id = 'n'");
            rs.next();
            assertThat(rs.getString(1)).matches("email_events_op_\\d{6}");
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = TestServers.jdbc(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void assertRejected(String sql) {
        assertThatThrownBy(() -> execute(sql)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
    }
}
