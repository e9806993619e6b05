package org.mailpulse.testsupport;

import java.util.UUID;

/** Campaigns and messages as the sender leaves them, written straight to the database. */
public final class TestData {

    private TestData() {
    }

    public record SentMessage(UUID campaignId, UUID customerId, String email, String sesMessageId) {
    }

    public static UUID campaign() {
        UUID template = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        Db.update("insert into templates (template_id, name, provider, provider_template_name) values (?, 'test', 'ses', 'test')", template);
        Db.update("insert into campaigns (campaign_id, campaign_name, template_id, status) values (?, 'test', ?, 'sending')", campaign, template);
        return campaign;
    }

    public static UUID customer(String email) {
        UUID customer = UUID.randomUUID();
        Db.update("insert into customers (customer_id, email) values (?, ?)", customer, email);
        return customer;
    }

    /** A message in status SENT with the given SES id, to a new customer with a unique address. */
    public static SentMessage sentMessage(UUID campaign) {
        String email = "r-" + UUID.randomUUID() + "@example.com";
        UUID customer = customer(email);
        String sesMessageId = "ses-" + UUID.randomUUID();
        Db.update("""
                insert into campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, attempt_count, sent_at)
                values (?, ?, ?, 'SENT', ?, ?, 1, now())
                """, campaign, customer, email, org.mailpulse.message.MessageStatus.SENT.rank(), sesMessageId);
        return new SentMessage(campaign, customer, email, sesMessageId);
    }

    public static SentMessage sentMessage() {
        return sentMessage(campaign());
    }
}
