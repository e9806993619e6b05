-- The sender takes the next messages of each sending campaign in (next_attempt_at NULLS FIRST, created_at) order
-- (SendLedger.CLAIM and SUPPRESS_LATE). Without an index in that order, every claim sorted all of a campaign's
-- READY_TO_SEND rows to return a few dozen: about a second per claim for a campaign of a million. The index holds
-- only READY_TO_SEND rows, so it is small outside a running campaign and quick to build.
CREATE INDEX campaign_recipients_ready_order_idx ON campaign_recipients (campaign_id, next_attempt_at NULLS FIRST, created_at)
    WHERE status = 'READY_TO_SEND';
DROP INDEX campaign_recipients_ready_idx;
