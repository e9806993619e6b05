-- The send slots of all replicas together: a sender reserves consecutive slots here before its SendEmail calls, so
-- that the replicas between them stay under mailpulse.sending.max-rate (SendRateLimiter). One row.
CREATE TABLE send_rate_schedule (
    id      smallint    PRIMARY KEY CHECK (id = 1),
    next_at timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO send_rate_schedule (id) VALUES (1);
