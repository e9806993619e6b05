-- Outbound webhooks: endpoints, a transactional outbox and one delivery per (endpoint, outbox row).
-- The outbox is written by AFTER triggers in the transaction of the change itself, whoever makes it (ingestion,
-- sender, unsubscribe link, API, reputation pause, a tool), so a rolled-back change sends nothing and a committed
-- one is never lost. The fan-out to the matching endpoints is the same statement, in the database.

CREATE TABLE webhook_endpoints (
    endpoint_id                uuid        PRIMARY KEY,
    url                        text        NOT NULL,
    description                text,
    event_types                text[]      NOT NULL CHECK (cardinality(event_types) > 0),
    -- Only events of this campaign (message and campaign events); suppression and quarantine events carry none.
    campaign_id                uuid,
    secret                     text        NOT NULL CHECK (secret LIKE 'whsec\_%'),
    -- After a rotation the old secret signs too, until it expires.
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    enabled                    boolean     NOT NULL DEFAULT true,
    disabled_reason            text,
    consecutive_failures       int         NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    -- When the current run of failed attempts began (null after a success).
    failing_since              timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_previous_secret CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);

-- One row per committed change that at least one enabled endpoint subscribed to. seq is the commit order per
-- subject: two changes of one row are serialised by its row lock, so the later one draws the larger seq.
CREATE TABLE webhook_outbox (
    seq         bigserial   PRIMARY KEY,
    event_type  text        NOT NULL,
    campaign_id uuid,
    -- What the change is about (a message, an address, a campaign, a quarantined input): order holds per subject.
    subject     text        NOT NULL,
    -- The exact body sent: {"type", "timestamp", "data"} (Standard Webhooks).
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_outbox_created_idx ON webhook_outbox (created_at);

CREATE TABLE webhook_deliveries (
    -- Sent as webhook-id, the same on every attempt and replay, so a receiver can deduplicate.
    delivery_id      uuid        PRIMARY KEY,
    endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
    seq              bigint      NOT NULL REFERENCES webhook_outbox (seq) ON DELETE CASCADE,
    subject          text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Also the claim's lease: a claimed delivery is due again only if its worker never reported back.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_attempt_at  timestamptz,
    last_status_code int,
    last_latency_ms  int,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Retries go on for mailpulse.webhooks.retry-for from here (a replay starts the window again).
    retry_from       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, seq)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- "Is an earlier delivery of this subject to this endpoint still pending?" (order per message)
CREATE INDEX webhook_deliveries_pending_subject_idx ON webhook_deliveries (endpoint_id, subject, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC);
CREATE INDEX webhook_deliveries_seq_idx ON webhook_deliveries (seq);

-- One event derived by a trigger, before fan-out.
CREATE TYPE webhook_event AS (event_type text, campaign_id uuid, subject text, data jsonb);

-- Writes the events of one statement to the outbox and fans them out to every enabled endpoint that subscribed to
-- the type (and campaign). Events no endpoint wants are not written at all.
CREATE FUNCTION webhook_publish(events webhook_event[]) RETURNS void LANGUAGE sql AS $$
    WITH published AS (
        INSERT INTO webhook_outbox (event_type, campaign_id, subject, payload)
        SELECT ev.event_type, ev.campaign_id, ev.subject, jsonb_build_object('type', ev.event_type,
                   'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'data', ev.data)
        FROM unnest(events) AS ev
        WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.enabled AND ev.event_type = ANY (e.event_types)
                        AND (e.campaign_id IS NULL OR e.campaign_id = ev.campaign_id))
        RETURNING seq, event_type, campaign_id, subject
    )
    INSERT INTO webhook_deliveries (delivery_id, endpoint_id, seq, subject)
    SELECT gen_random_uuid(), e.endpoint_id, p.seq, p.subject
    FROM published p
    JOIN webhook_endpoints e ON e.enabled AND p.event_type = ANY (e.event_types)
                            AND (e.campaign_id IS NULL OR e.campaign_id = p.campaign_id);
$$;

-- True when some endpoint could want an event: without one, the triggers return at once (the ingestion hot path).
CREATE FUNCTION webhook_subscribed() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled)
$$;

-- A message's status changes, except the sender's internal moves (as the live feed of V5). Statement level with
-- transition tables, so an ingestion batch that updates thousands of rows publishes them in one statement.
CREATE FUNCTION webhook_message_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT webhook_subscribed() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_publish(ARRAY(
        SELECT ROW('message.' || lower(n.status), n.campaign_id, 'message:' || n.campaign_id || ':' || n.customer_id,
                   jsonb_build_object('campaignId', n.campaign_id, 'customerId', n.customer_id, 'email', n.email,
                       'sesMessageId', n.ses_message_id, 'from', o.status, 'to', n.status,
                       'reason', n.status_reason, 'bounceType', n.bounce_type))::webhook_event
        FROM new_rows n JOIN old_rows o ON o.campaign_id = n.campaign_id AND o.customer_id = n.customer_id
        WHERE o.status IS DISTINCT FROM n.status AND n.status NOT IN ('CREATED', 'SCHEDULED', 'READY_TO_SEND', 'SENDING')));
    RETURN NULL;
END $$;

CREATE TRIGGER campaign_recipients_webhooks
    AFTER UPDATE ON campaign_recipients
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_message_status();

CREATE FUNCTION webhook_suppression_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT webhook_subscribed() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_publish(ARRAY(
        SELECT ROW('suppression.added', NULL::uuid, 'suppression:' || n.email,
                   jsonb_build_object('email', n.email, 'reason', n.reason, 'source', n.source, 'detail', n.detail))::webhook_event
        FROM new_rows n));
    RETURN NULL;
END $$;

CREATE TRIGGER suppression_list_webhooks_added
    AFTER INSERT ON suppression_list
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_suppression_added();

CREATE FUNCTION webhook_suppression_lifted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT webhook_subscribed() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_publish(ARRAY(
        SELECT ROW('suppression.lifted', NULL::uuid, 'suppression:' || o.email,
                   jsonb_build_object('email', o.email, 'reason', o.reason, 'source', o.source))::webhook_event
        FROM old_rows o));
    RETURN NULL;
END $$;

CREATE TRIGGER suppression_list_webhooks_lifted
    AFTER DELETE ON suppression_list
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_suppression_lifted();

CREATE FUNCTION webhook_campaign_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT webhook_subscribed() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_publish(ARRAY(
        SELECT ROW('campaign.status_changed', n.campaign_id, 'campaign:' || n.campaign_id,
                   jsonb_build_object('campaignId', n.campaign_id, 'name', n.campaign_name, 'from', o.status,
                       'to', n.status, 'pausedReason', n.paused_reason))::webhook_event
        FROM new_rows n JOIN old_rows o ON o.campaign_id = n.campaign_id
        WHERE o.status IS DISTINCT FROM n.status));
    RETURN NULL;
END $$;

CREATE TRIGGER campaigns_webhooks
    AFTER UPDATE ON campaigns
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_campaign_status();

CREATE FUNCTION webhook_quarantined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT webhook_subscribed() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_publish(ARRAY(
        SELECT ROW('quarantine.added', NULL::uuid, 'quarantine:' || n.id,
                   jsonb_build_object('id', n.id, 'sqsMessageId', n.sqs_message_id, 'reason', n.reason,
                       'bodyTruncated', n.body_truncated, 'receivedAt', n.received_at))::webhook_event
        FROM new_rows n));
    RETURN NULL;
END $$;

CREATE TRIGGER ingest_quarantine_webhooks
    AFTER INSERT ON ingest_quarantine
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_quarantined();
