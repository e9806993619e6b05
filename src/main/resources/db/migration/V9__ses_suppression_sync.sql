-- Sync with the SES account-level suppression list (suppression/sessync).

-- Addresses read in from the SES account list carry their own source, so that they are never exported back.
ALTER TABLE suppression_list DROP CONSTRAINT suppression_list_source_check;
ALTER TABLE suppression_list ADD CONSTRAINT suppression_list_source_check
    CHECK (source IN ('user', 'ses', 'ops', 'ses-account'));

-- One row: which directions are on (written by the application at start, read by the triggers below) and where
-- the import stands.
CREATE TABLE ses_suppression_sync (
    id                 smallint    PRIMARY KEY CHECK (id = 1),
    export_enabled     boolean     NOT NULL DEFAULT false,
    -- a lift is deleted at SES whenever either direction is on
    lift_enabled       boolean     NOT NULL DEFAULT false,
    -- the latest LastUpdateTime read from ListSuppressedDestinations; the next import starts there
    import_cursor      timestamptz,
    last_import_at     timestamptz,
    -- one replica imports at a time: the holder of an unexpired lease
    import_lease_owner uuid,
    import_lease_until timestamptz
);
INSERT INTO ses_suppression_sync (id) VALUES (1);

-- What is still to be done at SES, one row per address: the latest change wins (a lift after a suppression
-- deletes, a suppression after a lift puts). version tells a worker whether the row changed while it called SES.
CREATE SEQUENCE ses_suppression_outbox_version_seq;
CREATE TABLE ses_suppression_outbox (
    email           text        PRIMARY KEY,
    action          text        NOT NULL CHECK (action IN ('put', 'delete')),
    ses_reason      text        CHECK (ses_reason IN ('BOUNCE', 'COMPLAINT')),
    version         bigint      NOT NULL DEFAULT nextval('ses_suppression_outbox_version_seq'),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((action = 'put') = (ses_reason IS NOT NULL))
);
CREATE INDEX ses_suppression_outbox_due_idx ON ses_suppression_outbox (next_attempt_at);

-- A hard bounce or complaint MailPulse suppresses goes to SES, unless SES told us it has it already
-- (bounceSubType OnAccountSuppressionList, which the ingestion keeps at the start of the detail) or it came
-- from SES's list. Statement triggers with transition tables: one insert into the outbox per ingestion batch.
CREATE FUNCTION ses_suppression_outbox_put() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (SELECT export_enabled FROM ses_suppression_sync WHERE id = 1) THEN
        RETURN NULL;
    END IF;
    INSERT INTO ses_suppression_outbox (email, action, ses_reason)
    SELECT n.email, 'put', CASE n.reason WHEN 'complaint' THEN 'COMPLAINT' ELSE 'BOUNCE' END
    FROM new_rows n
    WHERE n.reason IN ('bounce_hard', 'complaint')
      AND n.source <> 'ses-account'
      AND coalesce(n.detail, '') NOT LIKE 'Permanent/OnAccountSuppressionList%'
    ORDER BY n.email
    ON CONFLICT (email) DO UPDATE SET action = 'put', ses_reason = EXCLUDED.ses_reason,
        version = nextval('ses_suppression_outbox_version_seq'), attempts = 0, next_attempt_at = now(),
        last_error = NULL, created_at = now();
    RETURN NULL;
END
$$;

CREATE FUNCTION ses_suppression_outbox_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (SELECT lift_enabled FROM ses_suppression_sync WHERE id = 1) THEN
        RETURN NULL;
    END IF;
    INSERT INTO ses_suppression_outbox (email, action, ses_reason)
    SELECT o.email, 'delete', NULL FROM old_rows o ORDER BY o.email
    ON CONFLICT (email) DO UPDATE SET action = 'delete', ses_reason = NULL,
        version = nextval('ses_suppression_outbox_version_seq'), attempts = 0, next_attempt_at = now(),
        last_error = NULL, created_at = now();
    RETURN NULL;
END
$$;

CREATE TRIGGER suppression_list_ses_export_insert AFTER INSERT ON suppression_list
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ses_suppression_outbox_put();
CREATE TRIGGER suppression_list_ses_export_update AFTER UPDATE ON suppression_list
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ses_suppression_outbox_put();
CREATE TRIGGER suppression_list_ses_export_delete AFTER DELETE ON suppression_list
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ses_suppression_outbox_delete();
