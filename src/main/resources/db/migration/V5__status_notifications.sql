-- Every committed status change of a message is announced on channel mailpulse_status, whichever replica (or
-- tool) made it: NOTIFY is delivered at commit, to every listening connection. The sender's internal moves
-- (SCHEDULED, READY_TO_SEND, SENDING) are left out: a queued campaign would otherwise announce each message twice
-- before anything happened to it.
CREATE FUNCTION mailpulse_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mailpulse_status', json_build_object(
        'campaignId', NEW.campaign_id, 'customerId', NEW.customer_id, 'sesMessageId', NEW.ses_message_id,
        'from', OLD.status, 'to', NEW.status, 'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text);
    RETURN NEW;
END $$;

CREATE TRIGGER campaign_recipients_status_notify
    AFTER UPDATE OF status ON campaign_recipients
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status NOT IN ('SCHEDULED', 'READY_TO_SEND', 'SENDING'))
    EXECUTE FUNCTION mailpulse_notify_status();
