-- Indexes the hot statements and the keyset-paged lists need at a sender's size (ExplainGuardTest checks the plans).

-- The soft-bounce prune deletes the oldest rows first; without this it reads the whole table on every run.
CREATE INDEX soft_bounces_bounced_at_idx ON soft_bounces (bounced_at);

-- Lists page by key: customers by address (the unique index is on lower(email), which ORDER BY email cannot use),
-- a campaign's messages by address, also within one status. The (campaign_id, status, ...) index replaces the
-- narrower one of V1 for every query that used it.
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX campaign_recipients_campaign_email_idx ON campaign_recipients (campaign_id, email, customer_id);
CREATE INDEX campaign_recipients_campaign_status_email_idx ON campaign_recipients (campaign_id, status, email, customer_id);
DROP INDEX campaign_recipients_campaign_status_idx;

-- The per-message report pages by mail time, then id.
CREATE INDEX ses_report_summary_mail_time_id_idx ON ses_report_summary (mail_timestamp, id);
DROP INDEX ses_report_summary_mail_time_idx;
