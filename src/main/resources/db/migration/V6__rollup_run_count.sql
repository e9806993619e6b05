-- How often a day was rolled up: the scheduled catch-up computes a day once across all replicas; only an
-- operator's explicit re-run (POST /api/admin/rollups/{day}) computes it again.
ALTER TABLE report_rollup_run ADD COLUMN runs integer NOT NULL DEFAULT 1;
