-- Why a campaign is paused, so that the sender resumes by itself only the campaigns SES's daily quota paused:
-- operator, reputation, daily_quota (resumed when the rolling 24 hours free quota) or account_paused (resumed only
-- by an operator). paused_reason keeps the text shown in the API.
ALTER TABLE campaigns ADD COLUMN paused_cause text
    CHECK (paused_cause IN ('operator', 'reputation', 'daily_quota', 'account_paused'));
UPDATE campaigns SET paused_cause = CASE WHEN paused_reason LIKE 'reputation guard:%' THEN 'reputation' ELSE 'operator' END
WHERE status = 'paused';

-- What is left of SES's 24-hour quota for all replicas together: set from GetAccount (less a margin), lowered by every
-- slot reservation in the same statement; NULL while no replica has read the account yet.
ALTER TABLE send_rate_schedule ADD COLUMN daily_remaining bigint;

-- One unsubscribe token per message: a message is claimed again only after an attempt that sent nothing, and its
-- row then takes the new token's hash. Older duplicates of never-sent attempts go; the newest stays.
DELETE FROM unsubscribe_tokens t USING unsubscribe_tokens newer
WHERE newer.campaign_id = t.campaign_id AND newer.customer_id = t.customer_id
  AND (newer.created_at, newer.token_id) > (t.created_at, t.token_id);
DROP INDEX unsubscribe_tokens_campaign_idx;
CREATE UNIQUE INDEX unsubscribe_tokens_message_idx ON unsubscribe_tokens (campaign_id, customer_id);
CREATE INDEX unsubscribe_tokens_expires_idx ON unsubscribe_tokens (expires_at);
