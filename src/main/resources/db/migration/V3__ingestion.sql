-- Every input applied once: the key is the SNS MessageId, or for raw records a digest of
-- (mail.messageId, event type, event time, recipients). Kept longer than SQS can redeliver.
CREATE TABLE ingest_dedupe (
    notification_id text        PRIMARY KEY,
    processed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_dedupe_processed_idx ON ingest_dedupe (processed_at);

-- Input that could not be processed, with its reason and body, removed from the queue.
CREATE TABLE ingest_quarantine (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sqs_message_id text        NOT NULL UNIQUE,
    reason         text        NOT NULL,
    body           text        NOT NULL,
    body_truncated boolean     NOT NULL DEFAULT false,
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_quarantine_received_idx ON ingest_quarantine (received_at DESC);

-- Transient bounces per address, for the "N soft bounces in D days with no delivery between" rule.
CREATE TABLE soft_bounces (
    email           text        NOT NULL,
    bounced_at      timestamptz NOT NULL,
    notification_id text        NOT NULL,
    PRIMARY KEY (email, bounced_at, notification_id)
);

CREATE TABLE address_deliveries (
    email            text        PRIMARY KEY,
    last_delivery_at timestamptz NOT NULL
);
