-- Per-event tables are range-partitioned by event time, one partition a month, so that retention drops
-- whole partitions (seed 000). A partitioned table can only enforce uniqueness together with the partition
-- key; exactly-once therefore rests on ingest_dedupe (V3), which is not partitioned.

-- Operational events: the message history (seed 003 email_events_op, extended to all SES event types).
CREATE TABLE email_events_op (
    event_id        uuid        NOT NULL,
    notification_id text        NOT NULL,
    event_type      text        NOT NULL CHECK (event_type IN (
                        'send', 'reject', 'bounce', 'complaint', 'delivery', 'open', 'click',
                        'rendering_failure', 'delivery_delay', 'subscription', 'unsubscribe')),
    email           text,
    campaign_id     uuid,
    customer_id     uuid,
    ses_message_id  text,
    -- The message status this event stands for, whether or not it changed the current status.
    status          text,
    event_time      timestamptz NOT NULL,
    payload         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, event_time)
) PARTITION BY RANGE (event_time);
CREATE TABLE email_events_op_default PARTITION OF email_events_op DEFAULT;
CREATE INDEX email_events_op_message_idx ON email_events_op (ses_message_id, event_time);
CREATE INDEX email_events_op_campaign_idx ON email_events_op (campaign_id, event_time);
CREATE INDEX email_events_op_time_idx ON email_events_op (event_time);

-- Per-message report summary (seed 000 aws_reports): one row per SES message.
CREATE TABLE ses_report_summary (
    id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id           text        NOT NULL UNIQUE,
    report_type          int         NOT NULL DEFAULT 0,
    user_id              text,
    customer_id          uuid,
    campaign_id          uuid,
    user_email           text,
    source_email         text,
    subject              text,
    mail_timestamp       timestamptz,
    send_at              timestamptz,
    delivery_at          timestamptz,
    bounce_at            timestamptz,
    complaint_at         timestamptz,
    open_at              timestamptz,
    click_at             timestamptz,
    reject_at            timestamptz,
    rendering_failure_at timestamptz,
    delivery_delay_at    timestamptz,
    subscription_at      timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ses_report_summary_mail_time_idx ON ses_report_summary (mail_timestamp);
CREATE INDEX ses_report_summary_user_idx ON ses_report_summary (user_id, mail_timestamp);
CREATE INDEX ses_report_summary_email_idx ON ses_report_summary (user_email);

-- Per-event report detail (seed 001 aws_report_detail).
CREATE TABLE ses_report_detail (
    id                      bigint      GENERATED ALWAYS AS IDENTITY,
    notification_message_id text        NOT NULL,
    report_id               bigint      NOT NULL,
    event_type              text        NOT NULL,
    message_id              text        NOT NULL,
    event_time              timestamptz NOT NULL,
    from_address            text,
    to_address              text,
    subject                 text,
    other_info              jsonb,
    created_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, event_time),
    UNIQUE (notification_message_id, event_time)
) PARTITION BY RANGE (event_time);
CREATE TABLE ses_report_detail_default PARTITION OF ses_report_detail DEFAULT;
CREATE INDEX ses_report_detail_message_idx ON ses_report_detail (message_id, event_time);
CREATE INDEX ses_report_detail_type_time_idx ON ses_report_detail (event_type, event_time);

-- Daily rollups; rates are derived when read.
CREATE TABLE report_daily_campaign (
    day           date        NOT NULL,
    campaign_id   uuid        NOT NULL,
    sent          bigint      NOT NULL DEFAULT 0,
    delivered     bigint      NOT NULL DEFAULT 0,
    bounced_hard  bigint      NOT NULL DEFAULT 0,
    bounced_soft  bigint      NOT NULL DEFAULT 0,
    complained    bigint      NOT NULL DEFAULT 0,
    unique_opens  bigint      NOT NULL DEFAULT 0,
    unique_clicks bigint      NOT NULL DEFAULT 0,
    unsubscribed  bigint      NOT NULL DEFAULT 0,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, campaign_id)
);
CREATE INDEX report_daily_campaign_campaign_idx ON report_daily_campaign (campaign_id, day);

CREATE TABLE report_daily_domain (
    day           date        NOT NULL,
    domain        text        NOT NULL,
    sent          bigint      NOT NULL DEFAULT 0,
    delivered     bigint      NOT NULL DEFAULT 0,
    bounced_hard  bigint      NOT NULL DEFAULT 0,
    bounced_soft  bigint      NOT NULL DEFAULT 0,
    complained    bigint      NOT NULL DEFAULT 0,
    unique_opens  bigint      NOT NULL DEFAULT 0,
    unique_clicks bigint      NOT NULL DEFAULT 0,
    unsubscribed  bigint      NOT NULL DEFAULT 0,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, domain)
);

-- Which days the rollup job has completed, so that it can catch up on missed ones.
CREATE TABLE report_rollup_run (
    day          date        PRIMARY KEY,
    completed_at timestamptz NOT NULL DEFAULT now()
);

-- Creates the monthly partition of a per-event table that holds the given instant, if missing.
CREATE FUNCTION mailpulse_ensure_month_partition(parent regclass, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    part_name   text := parent::text || '_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
BEGIN
    IF to_regclass(part_name) IS NULL THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       part_name, parent, month_start, month_start + interval '1 month');
    END IF;
END $$;

SELECT mailpulse_ensure_month_partition(t, date_trunc('month', now()) + m * interval '1 month')
FROM unnest(ARRAY['email_events_op'::regclass, 'ses_report_detail'::regclass]) AS t,
     generate_series(-1, 2) AS m;
