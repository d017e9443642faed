-- What a running task last said of its progress (TaskContext.progress): a fraction from 0 to 1,
-- an optional message, and when. Written at most every 250 ms a task; none of these columns is
-- indexed, so the writes stay HOT.
ALTER TABLE warren.tasks
    ADD COLUMN progress         real CHECK (progress BETWEEN 0 AND 1),
    ADD COLUMN progress_message text,
    ADD COLUMN progress_at      timestamptz;
