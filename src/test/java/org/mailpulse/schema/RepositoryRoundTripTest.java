package org.mailpulse.schema;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.campaign.Campaign;
import org.mailpulse.campaign.CampaignStatus;
import org.mailpulse.campaign.repository.CampaignRepository;
import org.mailpulse.customer.Customer;
import org.mailpulse.customer.repository.CustomerRepository;
import org.mailpulse.ingest.archive.ArchivedSesEvent;
import org.mailpulse.ingest.archive.SesEventArchive;
import org.mailpulse.ingest.quarantine.QuarantineRepository;
import org.mailpulse.ingest.quarantine.QuarantinedInput;
import org.mailpulse.message.CampaignRecipient;
import org.mailpulse.message.MessageEvent;
import org.mailpulse.message.MessageStatus;
import org.mailpulse.message.repository.CampaignRecipientRepository;
import org.mailpulse.message.repository.MessageEventRepository;
import org.mailpulse.report.DailyCampaignReport;
import org.mailpulse.report.DailyDomainReport;
import org.mailpulse.report.ReportDetail;
import org.mailpulse.report.ReportSummary;
import org.mailpulse.report.repository.DailyCampaignReportRepository;
import org.mailpulse.report.repository.DailyDomainReportRepository;
import org.mailpulse.report.repository.ReportSummaryRepository;
import org.mailpulse.suppression.Suppression;
import org.mailpulse.suppression.SuppressionReason;
import org.mailpulse.suppression.SuppressionSource;
import org.mailpulse.suppression.repository.SuppressionRepository;
import org.mailpulse.template.Template;
import org.mailpulse.template.TemplateProvider;
import org.mailpulse.template.repository.TemplateRepository;
import org.mailpulse.unsubscribe.UnsubscribeToken;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every entity written through its reactive repository reads back the same, against the real schema. */
@QuarkusTest
class RepositoryRoundTripTest {

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @Inject CustomerRepository customers;
    @Inject TemplateRepository templates;
    @Inject CampaignRepository campaigns;
    @Inject CampaignRecipientRepository recipients;
    @Inject MessageEventRepository events;
    @Inject SuppressionRepository suppressions;
    @Inject ReportSummaryRepository summaries;
    @Inject DailyCampaignReportRepository dailyCampaigns;
    @Inject DailyDomainReportRepository dailyDomains;
    @Inject QuarantineRepository quarantine;
    @Inject SesEventArchive archive;

    @Test
    @RunOnVertxContext
    void campaignGraph(UniAsserter asserter) {
        Customer customer = customer();
        Template template = template();
        Campaign campaign = new Campaign();
        campaign.name = "Spring news";
        campaign.status = CampaignStatus.PAUSED; // a queued campaign would be picked up by the running sender
        campaign.weekOfMonth = 2;
        campaign.generatedDate = LocalDate.of(2026, 11, 9);
        CampaignRecipient recipient = new CampaignRecipient();
        recipient.email = customer.email;
        recipient.setStatus(MessageStatus.DELIVERED);
        recipient.sesMessageId = "ses-" + UUID.randomUUID();
        recipient.templateData = Map.of("name", "Ada", "plan", "pro");
        recipient.deliveredAt = NOW;
        recipient.openCount = 2;

        asserter.execute(() -> Panache.withTransaction(() -> customers.persist(customer)
                .chain(() -> templates.persist(template))
                .chain(() -> {
                    campaign.templateId = template.id;
                    return campaigns.persist(campaign);
                })
                .chain(() -> {
                    recipient.campaignId = campaign.id;
                    recipient.customerId = customer.id;
                    return recipients.persist(recipient);
                })));

        asserter.assertThat(() -> Panache.withSession(() -> customers.findByEmail(customer.email.toUpperCase())), found -> {
            assertThat(found.id).isEqualTo(customer.id);
            assertThat(found.name).isEqualTo("Ada Lovelace");
            assertThat(found.active).isTrue();
        });
        asserter.assertThat(() -> Panache.withSession(() -> templates.findById(template.id)), found -> {
            assertThat(found.provider).isEqualTo(TemplateProvider.INTERNAL);
            assertThat(found.subject).isEqualTo("Hello {{name}}");
            assertThat(found.weekOfMonth).isEqualTo(3);
        });
        asserter.assertThat(() -> Panache.withSession(() -> campaigns.findById(campaign.id)), found -> {
            assertThat(found.status).isEqualTo(CampaignStatus.PAUSED);
            assertThat(found.generatedDate).isEqualTo(LocalDate.of(2026, 11, 9));
            assertThat(found.templateId).isEqualTo(template.id);
        });
        asserter.assertThat(() -> Panache.withSession(() -> recipients.findBySesMessageId(recipient.sesMessageId)), found -> {
            assertThat(found.status).isEqualTo(MessageStatus.DELIVERED);
            assertThat(found.statusRank).isEqualTo(MessageStatus.DELIVERED.rank());
            assertThat(found.recipientStatus).isEqualTo("sent");
            assertThat(found.templateData).containsEntry("name", "Ada").containsEntry("plan", "pro");
            assertThat(found.deliveredAt).isEqualTo(NOW);
            assertThat(found.openCount).isEqualTo(2);
        });
    }

    @Test
    @RunOnVertxContext
    void historyAndReports(UniAsserter asserter) {
        String sesMessageId = "ses-" + UUID.randomUUID();
        MessageEvent event = new MessageEvent();
        event.id = UUID.randomUUID();
        event.notificationId = "n-" + UUID.randomUUID();
        event.eventType = "open";
        event.sesMessageId = sesMessageId;
        event.status = "OPENED";
        event.eventTime = NOW;
        event.payload = Map.of("userAgent", "Mail/1.0");
        ReportSummary summary = new ReportSummary();
        summary.messageId = sesMessageId;
        summary.reportType = 3;
        summary.userEmail = "reader@example.com";
        summary.openAt = NOW;
        ReportDetail detail = new ReportDetail();
        detail.notificationMessageId = event.notificationId;
        detail.eventType = "Open";
        detail.messageId = sesMessageId;
        detail.eventTime = NOW;
        detail.otherInfo = Map.of("ipAddress", "192.0.2.1");

        asserter.execute(() -> Panache.withTransaction(() -> events.persist(event)
                .chain(() -> summaries.persist(summary))
                .chain(() -> {
                    detail.reportId = summary.id;
                    return Panache.getSession().chain(session -> session.persist(detail));
                })));
        asserter.assertThat(() -> Panache.withSession(() -> events.historyOf(sesMessageId)), found -> {
            assertThat(found).singleElement().satisfies(e -> {
                assertThat(e.eventTime).isEqualTo(NOW);
                assertThat(e.payload).containsEntry("userAgent", "Mail/1.0");
            });
        });
        asserter.assertThat(() -> Panache.withSession(() -> summaries.findByMessageId(sesMessageId)), found -> {
            assertThat(found.reportType).isEqualTo(3);
            assertThat(found.openAt).isEqualTo(NOW);
            assertThat(found.createdAt).isNotNull();
        });
        asserter.assertThat(() -> Panache.withSession(() -> Panache.getSession().chain(session -> session.createSelectionQuery("from ReportDetail where messageId = :id order by eventTime, id", ReportDetail.class).setParameter("id", sesMessageId).getResultList())), found ->
                assertThat(found).singleElement().satisfies(d -> {
                    assertThat(d.reportId).isEqualTo(summary.id);
                    assertThat(d.otherInfo).containsEntry("ipAddress", "192.0.2.1");
                }));
    }

    @Test
    @RunOnVertxContext
    void dailyRollups(UniAsserter asserter) {
        UUID campaignId = UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 11, 25);
        DailyCampaignReport perCampaign = new DailyCampaignReport();
        perCampaign.day = day;
        perCampaign.campaignId = campaignId;
        perCampaign.sent = 100;
        perCampaign.uniqueOpens = 40;
        perCampaign.computedAt = NOW;
        DailyDomainReport perDomain = new DailyDomainReport();
        perDomain.day = day;
        perDomain.domain = "example-" + UUID.randomUUID() + ".com";
        perDomain.delivered = 97;
        perDomain.bouncedHard = 3;
        perDomain.computedAt = NOW;

        asserter.execute(() -> Panache.withTransaction(() -> dailyCampaigns.persist(perCampaign).chain(() -> dailyDomains.persist(perDomain))));
        asserter.assertThat(() -> Panache.withSession(() -> dailyCampaigns.findById(new DailyCampaignReport.Key(day, campaignId))), found -> {
            assertThat(found.sent).isEqualTo(100);
            assertThat(found.uniqueOpens).isEqualTo(40);
        });
        asserter.assertThat(() -> Panache.withSession(() -> dailyDomains.findById(new DailyDomainReport.Key(day, perDomain.domain))), found -> {
            assertThat(found.delivered).isEqualTo(97);
            assertThat(found.bouncedHard).isEqualTo(3);
        });
    }

    @Test
    @RunOnVertxContext
    void suppressionTokenAndQuarantine(UniAsserter asserter) {
        Customer customer = customer();
        Suppression suppression = new Suppression();
        suppression.email = customer.email;
        suppression.reason = SuppressionReason.BOUNCE_HARD;
        suppression.source = SuppressionSource.SES;
        suppression.detail = "550 user unknown";
        UnsubscribeToken token = new UnsubscribeToken();
        token.tokenHash = new byte[]{1, 2, 3, (byte) 250};
        token.email = customer.email;
        token.expiresAt = NOW.plus(30, ChronoUnit.DAYS);
        QuarantinedInput input = new QuarantinedInput();
        input.sqsMessageId = "sqs-" + UUID.randomUUID();
        input.reason = "body is not JSON";
        input.body = "not json";

        asserter.execute(() -> Panache.withTransaction(() -> customers.persist(customer)
                .chain(() -> suppressions.persist(suppression))
                .chain(() -> {
                    token.customerId = customer.id;
                    return Panache.getSession().chain(session -> session.persist(token));
                })
                .chain(() -> quarantine.persist(input))));
        asserter.assertThat(() -> Panache.withSession(() -> suppressions.findById(customer.email)), found -> {
            assertThat(found.reason).isEqualTo(SuppressionReason.BOUNCE_HARD);
            assertThat(found.reasonRank).isEqualTo(SuppressionReason.BOUNCE_HARD.strength());
            assertThat(found.source).isEqualTo(SuppressionSource.SES);
        });
        asserter.assertThat(() -> Panache.withSession(() -> Panache.getSession().chain(session -> session.createSelectionQuery("from UnsubscribeToken where tokenHash = :hash", UnsubscribeToken.class).setParameter("hash", new byte[]{1, 2, 3, (byte) 250}).getSingleResult())), found -> {
            assertThat(found.id).isEqualTo(token.id);
            assertThat(found.expiresAt).isEqualTo(NOW.plus(30, ChronoUnit.DAYS));
            assertThat(found.usedAt).isNull();
        });
        asserter.assertThat(() -> Panache.withSession(() -> quarantine.findById(input.id)), found -> {
            assertThat(found.reason).isEqualTo("body is not JSON");
            assertThat(found.receivedAt).isNotNull();
        });
    }

    @Test
    @RunOnVertxContext
    void rawArchiveUpsertsByKey(UniAsserter asserter) {
        String key = "sns-" + UUID.randomUUID();
        asserter.execute(() -> archive.archive(List.of(archived(key, "first"))));
        asserter.execute(() -> archive.archive(List.of(archived(key, "second"))));
        asserter.assertThat(() -> ArchivedSesEvent.<ArchivedSesEvent>find("MessageId", key).list(), found ->
                assertThat(found).singleElement().satisfies(doc -> {
                    assertThat(doc.message).isEqualTo("second");
                    assertThat(doc.type).isEqualTo("Notification");
                    assertThat(doc.subject).isEqualTo("Amazon SES Email Event Notification");
                }));
    }

    private static ArchivedSesEvent archived(String key, String message) {
        ArchivedSesEvent doc = new ArchivedSesEvent();
        doc.id = key;
        doc.messageId = key;
        doc.type = "Notification";
        doc.subject = "Amazon SES Email Event Notification";
        doc.message = message;
        doc.timestamp = NOW.toString();
        doc.receivedAt = NOW;
        return doc;
    }

    private static Customer customer() {
        Customer customer = new Customer();
        customer.email = "ada-" + UUID.randomUUID() + "@example.com";
        customer.name = "Ada Lovelace";
        customer.country = "GB";
        return customer;
    }

    private static Template template() {
        Template template = new Template();
        template.name = "Welcome";
        template.provider = TemplateProvider.INTERNAL;
        template.subject = "Hello {{name}}";
        template.htmlBody = "<p>Hello {{name}}</p>";
        template.weekOfMonth = 3;
        return template;
    }

}
