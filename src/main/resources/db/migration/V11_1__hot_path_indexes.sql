-- The soft-bounce prune deletes the oldest rows first; without this it reads the whole table on every run.
CREATE INDEX soft_bounces_bounced_at_idx ON soft_bounces (bounced_at);
