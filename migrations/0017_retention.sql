-- Retention (docs/schema.md, "Retention"): finished tasks are deleted with their events and dead
-- letters once older than their state's retention, and results can expire earlier.

-- The submission's `result_ttl`, when it set one: how long its result is kept after it succeeds.
-- `result_expired_at`: when the result was cleared for having expired.
ALTER TABLE warren.tasks
    ADD COLUMN result_ttl interval,
    ADD COLUMN result_expired_at timestamptz;

-- Results due to expire: a worker adds a row as it records a success with a TTL (the submission's
-- or its task type's), and the API's retention clears the result once it is due. A table of its
-- own, like the outbox, so that finding what is due needs no index on warren.tasks.
CREATE TABLE warren.result_expiries (
    task_id    uuid        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

CREATE INDEX result_expiries_expires_at ON warren.result_expiries (expires_at);
