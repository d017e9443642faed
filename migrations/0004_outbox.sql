-- Tasks whose message may still have to be published, for the API's relay (docs/guarantees.md):
-- PENDING tasks (the broker could not be reached when they were submitted), due at once, and
-- delayed ones (SCHEDULED, RETRY), due a while after their ETA in case their message was lost
-- in the delay queues. Starting an attempt removes the task's entry. A separate table, so that
-- finding them needs no index on warren.tasks.state, which would stop its updates being HOT.
CREATE TABLE warren.outbox (
    task_id uuid        PRIMARY KEY,
    due     timestamptz NOT NULL
);

CREATE INDEX outbox_due ON warren.outbox (due);
