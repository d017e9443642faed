-- Cheaper writes on the hot path, measured with scripts/bench (docs/performance.md).

-- Every event is written in the same statement as the task row change it records, so the row
-- exists by construction; the foreign key only added a per-event lookup (a trigger running a
-- query) and a row lock on the task. Deleting a task's history is explicit (see docs/schema.md).
ALTER TABLE warren.task_events DROP CONSTRAINT task_events_task_id_fkey;

-- A task's row is updated three times after its INSERT (QUEUED, STARTED, outcome). Free space
-- left on each page lets those updates stay on the page (HOT), with no new index entries.
ALTER TABLE warren.tasks SET (fillfactor = 70);
