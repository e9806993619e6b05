package org.mailpulse.campaign;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.mailpulse.testsupport.Db;
import org.mailpulse.testsupport.TestData;

import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class WeeklyCampaignJobTest {

    @Inject
    WeeklyCampaignJob job;

    @Test
    void daysMapToWeeksOneToFour() {
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 1))).isEqualTo(1);
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 7))).isEqualTo(1);
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 8))).isEqualTo(2);
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 21))).isEqualTo(3);
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 22))).isEqualTo(4);
        assertThat(WeeklyCampaignJob.weekOfMonth(LocalDate.of(2027, 3, 31))).isEqualTo(4);
    }

    @Test
    void generatesThatWeeksCampaignForActiveUnsuppressedCustomersOncePerDay() {
        LocalDate day = LocalDate.now().plusYears(3).withDayOfMonth(23); // week 4, in the future so nothing is sent
        UUID template = UUID.randomUUID();
        Db.update("insert into templates (template_id, name, provider, provider_template_name, week_of_month, version) values (?, 'w4', 'ses', 'weekly', 4, 999)",
                template);
        String suppressed = "weekly-suppressed-" + UUID.randomUUID() + "@example.com";
        TestData.customer(suppressed);
        Db.update("insert into suppression_list (email, reason, reason_rank, source) values (?, 'manual', 2, 'ops')", suppressed);
        String inactive = "weekly-inactive-" + UUID.randomUUID() + "@example.com";
        Db.update("update customers set is_active = false where customer_id = ?", TestData.customer(inactive));
        String active = "weekly-active-" + UUID.randomUUID() + "@example.com";
        TestData.customer(active);

        UUID campaign = job.generate(day).await().atMost(Duration.ofSeconds(60));
        UUID again = job.generate(day).await().atMost(Duration.ofSeconds(60));

        assertThat(campaign).isNotNull();
        assertThat(again).isNull();
        assertThat(Db.count("select count(*) from campaigns where generated_date = ?", day)).isOne();
        assertThat(Db.row("select template_id, status, week_of_month from campaigns where campaign_id = ?", campaign))
                .containsEntry("template_id", template).containsEntry("status", "queued").containsEntry("week_of_month", 4);
        long expected = Db.count("select count(*) from customers c where c.is_active and not exists (select 1 from suppression_list s where s.email = c.email)");
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ?", campaign)).isEqualTo(expected);
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and email = ?", campaign, active)).isOne();
        assertThat(Db.count("select count(*) from campaign_recipients where campaign_id = ? and email in (?, ?)", campaign, suppressed, inactive)).isZero();
    }
}
