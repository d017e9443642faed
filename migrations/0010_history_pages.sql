-- The task history a page at a time, newest first (GET /v1/tasks, `warren tasks`): a listing walks
-- one of these indexes backwards from its cursor, the last (created_at, id) it showed, so a page
-- costs the same at any depth and at any history size. Tasks created in one transaction share
-- created_at, and the id orders them. None of these columns change after the INSERT, so a task's
-- updates stay HOT. They replace the indexes on (created_at) and (task, created_at).
CREATE INDEX tasks_created_at_id ON warren.tasks (created_at, id);
CREATE INDEX tasks_task_created_at_id ON warren.tasks (task, created_at, id);
CREATE INDEX tasks_queue_created_at_id ON warren.tasks (queue, created_at, id);
DROP INDEX warren.tasks_created_at;
DROP INDEX warren.tasks_task_created_at;
