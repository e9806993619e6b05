-- From V8 on the dedupe key is the event's identity ('ev:' + SHA-256, see ses/event/EventIdentity.java). Keys stored
-- before (the SNS MessageId, or a 'raw:' digest) keep deduplicating until pruned: pre_v8 marks them, and also every
-- row a replica of an older version writes during a rolling upgrade, since such a replica sets no value. A V8
-- replica writes false, also on the copies of pre-V8 keys it writes for older replicas
-- (mailpulse.dedupe.write-pre-v8-keys), so those copies never make two distinct events one.
ALTER TABLE ingest_dedupe ADD COLUMN pre_v8 boolean NOT NULL DEFAULT true;
