-- What a task with an idempotency key was submitted with: the SHA-256 of its canonical request
-- (task, arguments, queue, priority, countdown or ETA, retry policy). A repeated key with another
-- request is refused (409) instead of silently returning the first task. NULL for rows from
-- before this column, which any request matches.
ALTER TABLE warren.tasks ADD COLUMN idempotency_request bytea;
