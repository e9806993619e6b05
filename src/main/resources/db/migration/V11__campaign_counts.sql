-- Campaign counts kept as messages change, instead of recounted on every read. Each statement that inserts, updates
-- or deletes messages appends the net change of every counter it touched to campaign_count_deltas, in its own
-- transaction; appends never wait for each other, so concurrent writers to one campaign do not serialise on a
-- counter row. CampaignCountsKeeper folds the deltas into campaign_counts every few seconds; a read adds the
-- unfolded deltas to the folded counts, so it is exact at once.

-- The counters one message contributes to: its status, and each first time the stats count.
CREATE FUNCTION mailpulse_recipient_counters(status text, sent_at timestamptz, delivered_at timestamptz, opened_at timestamptz,
                                             clicked_at timestamptz, complained_at timestamptz, unsubscribed_at timestamptz,
                                             bounce_type text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_remove(ARRAY['status:' || status,
        CASE WHEN sent_at IS NOT NULL THEN 'sent' END,
        CASE WHEN delivered_at IS NOT NULL THEN 'delivered' END,
        CASE WHEN opened_at IS NOT NULL THEN 'opened' END,
        CASE WHEN clicked_at IS NOT NULL THEN 'clicked' END,
        CASE WHEN complained_at IS NOT NULL THEN 'complained' END,
        CASE WHEN unsubscribed_at IS NOT NULL THEN 'unsubscribed' END,
        CASE WHEN bounce_type IS NOT NULL THEN 'bounced_' || bounce_type END], NULL)
$$;

CREATE TABLE campaign_counts (
    campaign_id uuid   NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
    counter     text   NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (campaign_id, counter)
);

-- Insert-only; rows of a deleted campaign are dropped when folded.
CREATE TABLE campaign_count_deltas (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id uuid   NOT NULL,
    counter     text   NOT NULL,
    delta       bigint NOT NULL
);
CREATE INDEX campaign_count_deltas_campaign_idx ON campaign_count_deltas (campaign_id);

CREATE FUNCTION mailpulse_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO campaign_count_deltas (campaign_id, counter, delta)
    SELECT r.campaign_id, k.counter, count(*)
    FROM new_rows r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at, r.clicked_at,
                                                         r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)
    GROUP BY r.campaign_id, k.counter;
    RETURN NULL;
END $$;

CREATE FUNCTION mailpulse_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO campaign_count_deltas (campaign_id, counter, delta)
    SELECT campaign_id, counter, sum(d) FROM (
        SELECT r.campaign_id, k.counter, 1 AS d
        FROM new_rows r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at, r.clicked_at,
                                                             r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)
        UNION ALL
        SELECT r.campaign_id, k.counter, -1
        FROM old_rows r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at, r.clicked_at,
                                                             r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)) changes
    GROUP BY campaign_id, counter HAVING sum(d) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION mailpulse_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO campaign_count_deltas (campaign_id, counter, delta)
    SELECT r.campaign_id, k.counter, -count(*)
    FROM old_rows r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at, r.clicked_at,
                                                         r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)
    GROUP BY r.campaign_id, k.counter;
    RETURN NULL;
END $$;

CREATE FUNCTION mailpulse_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM campaign_count_deltas;
    DELETE FROM campaign_counts;
    RETURN NULL;
END $$;

-- Statement-level: one append per statement and counter, however many messages the statement changed.
CREATE TRIGGER campaign_recipients_count_insert AFTER INSERT ON campaign_recipients
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mailpulse_count_inserted();
CREATE TRIGGER campaign_recipients_count_update AFTER UPDATE ON campaign_recipients
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mailpulse_count_updated();
CREATE TRIGGER campaign_recipients_count_delete AFTER DELETE ON campaign_recipients
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mailpulse_count_deleted();
CREATE TRIGGER campaign_recipients_count_truncate AFTER TRUNCATE ON campaign_recipients
    FOR EACH STATEMENT EXECUTE FUNCTION mailpulse_count_truncated();

-- The messages that exist already.
INSERT INTO campaign_counts (campaign_id, counter, n)
SELECT r.campaign_id, k.counter, count(*)
FROM campaign_recipients r, unnest(mailpulse_recipient_counters(r.status, r.sent_at, r.delivered_at, r.opened_at, r.clicked_at,
                                                                r.complained_at, r.unsubscribed_at, r.bounce_type)) AS k(counter)
GROUP BY r.campaign_id, k.counter;
