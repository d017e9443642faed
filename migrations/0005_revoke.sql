-- Revoked tasks (issue #3): never started, or cancelled while running.
ALTER TABLE warren.tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE warren.tasks ADD CONSTRAINT tasks_state_check
    CHECK (state IN ('PENDING', 'SCHEDULED', 'QUEUED', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'));
