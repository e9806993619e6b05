-- Messages sent in a time window: the reputation guard's denominator and the rollup's "sent".
CREATE INDEX campaign_recipients_sent_idx ON campaign_recipients (sent_at) WHERE sent_at IS NOT NULL;
