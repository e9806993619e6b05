package org.mailpulse.bench;

import org.mailpulse.message.MessageStatus;
import org.mailpulse.testsupport.Db;

import java.util.List;
import java.util.UUID;

/** A campaign whose messages are in status SENT, as the sender leaves them; events of the benchmark hit these recipients. */
public record Population(UUID campaignId, List<Recipient> recipients) {

    public record Recipient(String sesMessageId, String email, UUID customerId) {
    }

    private static final String MESSAGES = """
            WITH c AS (
                INSERT INTO customers (customer_id, email)
                SELECT gen_random_uuid(), format('%s-%s@bench.example.com', ?::text, g) FROM generate_series(1, ?) AS g
                RETURNING customer_id, email)
            INSERT INTO campaign_recipients (campaign_id, customer_id, email, status, status_rank, ses_message_id, attempt_count, sent_at)
            SELECT ?, customer_id, email, 'SENT', ?, split_part(email, '@', 1), 1, now() FROM c
            """;

    /**
     * One campaign with {@code messages} recipients whose SES message ids start with {@code prefix}, in three statements;
     * recipient {@code i} is message number {@code i + 1}, so that two populations line up message by message.
     */
    public static Population arrange(String prefix, int messages) {
        UUID template = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        Db.update("INSERT INTO templates (template_id, name, provider, provider_template_name) VALUES (?, 'bench', 'ses', 'bench')", template);
        Db.update("INSERT INTO campaigns (campaign_id, campaign_name, template_id, status) VALUES (?, ?, ?, 'sending')", campaign, prefix, template);
        Db.update(MESSAGES, prefix, messages, campaign, MessageStatus.SENT.rank());
        List<Recipient> recipients = Db.rows("SELECT ses_message_id, email, customer_id FROM campaign_recipients WHERE campaign_id = ? "
                        + "ORDER BY length(ses_message_id), ses_message_id", campaign)
                .stream()
                .map(row -> new Recipient((String) row.get("ses_message_id"), (String) row.get("email"), (UUID) row.get("customer_id")))
                .toList();
        if (recipients.size() != messages) {
            throw new IllegalStateException("arranged " + recipients.size() + " of " + messages + " messages for " + prefix);
        }
        return new Population(campaign, recipients);
    }

    public int size() {
        return recipients.size();
    }

    public Recipient recipient(int index) {
        return recipients.get(index);
    }
}
