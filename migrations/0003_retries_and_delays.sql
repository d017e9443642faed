-- Retries and delayed tasks (issue #3): two waiting states, and when the task is due.

ALTER TABLE warren.tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE warren.tasks ADD CONSTRAINT tasks_state_check
    CHECK (state IN ('PENDING', 'SCHEDULED', 'QUEUED', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE'));

-- When a SCHEDULED or RETRY task is due (its message waits in the delay queues until then).
ALTER TABLE warren.tasks ADD COLUMN eta timestamptz;

-- The submission's retry policy, when it overrides the task type's (docs/protocol.md, "retry").
ALTER TABLE warren.tasks ADD COLUMN retry_policy jsonb;

-- Each task type's default retry policy, as its workers advertise it; the API merges a
-- submission's `retry` over it.
ALTER TABLE warren.task_types ADD COLUMN retry_policy jsonb;
