-- Operational schema (customers, templates, campaigns, recipients = messages, suppressions, unsubscribe tokens).
-- Enumerations are CHECK constraints so that a bad value is rejected by the database, whoever writes it.

CREATE TABLE customers (
    customer_id uuid        PRIMARY KEY,
    email       text        NOT NULL CHECK (email = lower(email) AND email LIKE '_%@_%'),
    name        text,
    company     text,
    country     text,
    is_active   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Emails are stored lowercase (CHECK above); the unique index on lower() keeps that true even for raw SQL writers.
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
CREATE INDEX customers_active_idx ON customers (is_active) WHERE is_active;

CREATE TABLE templates (
    template_id            uuid        PRIMARY KEY,
    name                   text        NOT NULL,
    provider               text        NOT NULL CHECK (provider IN ('ses', 'internal')),
    provider_template_name text,
    subject                text,
    html_body              text,
    text_body              text,
    week_of_month          int         CHECK (week_of_month BETWEEN 1 AND 4),
    version                int         NOT NULL DEFAULT 1 CHECK (version >= 1),
    is_active              boolean     NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT templates_ses_needs_name CHECK (provider <> 'ses' OR provider_template_name IS NOT NULL),
    CONSTRAINT templates_internal_needs_content
        CHECK (provider <> 'internal' OR (subject IS NOT NULL AND (html_body IS NOT NULL OR text_body IS NOT NULL)))
);
CREATE INDEX templates_week_active_idx ON templates (week_of_month, version DESC) WHERE is_active;

CREATE TABLE campaigns (
    campaign_id    uuid        PRIMARY KEY,
    campaign_name  text        NOT NULL,
    week_of_month  int         CHECK (week_of_month BETWEEN 1 AND 4),
    generated_date date,
    template_id    uuid        NOT NULL REFERENCES templates (template_id),
    status         text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'queued', 'sending', 'done', 'paused')),
    scheduled_at   timestamptz,
    paused_reason  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- The weekly job creates at most one campaign per day and week of month, however often it runs.
CREATE UNIQUE INDEX campaigns_weekly_key ON campaigns (generated_date, week_of_month) WHERE generated_date IS NOT NULL;
CREATE INDEX campaigns_status_idx ON campaigns (status);

-- One row per campaign recipient: this is the message, with its lifecycle (seed 004).
CREATE TABLE campaign_recipients (
    campaign_id         uuid        NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
    customer_id         uuid        NOT NULL REFERENCES customers (customer_id),
    email               text        NOT NULL CHECK (email = lower(email)),
    status              text        NOT NULL DEFAULT 'CREATED' CHECK (status IN (
                            'CREATED', 'SCHEDULED', 'READY_TO_SEND', 'SENDING', 'SUPPRESSED', 'SENT', 'FAILED',
                            'REJECTED', 'DELIVERED', 'OPENED', 'CLICKED', 'BOUNCED', 'UNSUBSCRIBED', 'COMPLAINED')),
    -- Written with status from MessageStatus.rank(); events only ever raise it.
    status_rank         smallint    NOT NULL DEFAULT 0,
    -- The coarse status of seed 003, derived so it can never disagree with status.
    recipient_status    text        GENERATED ALWAYS AS (CASE
                            WHEN status IN ('CREATED', 'SCHEDULED', 'READY_TO_SEND', 'SENDING') THEN 'pending'
                            WHEN status IN ('SENT', 'DELIVERED', 'OPENED', 'CLICKED') THEN 'sent'
                            WHEN status IN ('FAILED', 'REJECTED') THEN 'failed'
                            WHEN status = 'SUPPRESSED' THEN 'suppressed'
                            WHEN status = 'BOUNCED' THEN 'bounced'
                            WHEN status = 'COMPLAINED' THEN 'complained'
                            ELSE 'unsubscribed' END) STORED,
    status_reason       text,
    bounce_type         text        CHECK (bounce_type IN ('hard', 'soft')),
    ses_message_id      text,
    scheduled_at        timestamptz,
    next_attempt_at     timestamptz,
    last_attempt_at     timestamptz,
    attempt_count       int         NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    template_data       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- First time of each event type, by the event's own time.
    sent_at             timestamptz,
    delivered_at        timestamptz,
    opened_at           timestamptz,
    clicked_at          timestamptz,
    bounced_at          timestamptz,
    complained_at       timestamptz,
    rejected_at         timestamptz,
    failed_at           timestamptz,
    delivery_delayed_at timestamptz,
    unsubscribed_at     timestamptz,
    open_count          int         NOT NULL DEFAULT 0,
    click_count         int         NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, customer_id)
);
CREATE UNIQUE INDEX campaign_recipients_ses_message_id_key ON campaign_recipients (ses_message_id) WHERE ses_message_id IS NOT NULL;
CREATE INDEX campaign_recipients_campaign_status_idx ON campaign_recipients (campaign_id, status);
CREATE INDEX campaign_recipients_customer_idx ON campaign_recipients (customer_id);
-- The sender's claim query and the stuck-send review read only these small slices.
CREATE INDEX campaign_recipients_ready_idx ON campaign_recipients (campaign_id, next_attempt_at) WHERE status = 'READY_TO_SEND';
CREATE INDEX campaign_recipients_sending_idx ON campaign_recipients (last_attempt_at) WHERE status = 'SENDING';

CREATE TABLE suppression_list (
    email       text        PRIMARY KEY CHECK (email = lower(email)),
    reason      text        NOT NULL CHECK (reason IN ('bounce_soft', 'unsubscribe', 'manual', 'bounce_hard', 'complaint')),
    -- Written with reason from SuppressionReason.strength(); a weaker reason never replaces a stronger one.
    reason_rank smallint    NOT NULL,
    source      text        NOT NULL CHECK (source IN ('user', 'ses', 'ops')),
    detail      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX suppression_list_reason_idx ON suppression_list (reason, email);

CREATE TABLE unsubscribe_tokens (
    token_id    uuid        PRIMARY KEY,
    -- SHA-256 of the token in the link: a copy of the table does not hand out working links.
    token_hash  bytea       NOT NULL UNIQUE,
    email       text        NOT NULL CHECK (email = lower(email)),
    campaign_id uuid        REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
    customer_id uuid        REFERENCES customers (customer_id),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);
CREATE INDEX unsubscribe_tokens_campaign_idx ON unsubscribe_tokens (campaign_id, customer_id);
