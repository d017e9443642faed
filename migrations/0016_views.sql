-- Views for plain-SQL users (docs/sql.md). task_stats and queue_latency aggregate warren.tasks an
-- hour at a time: each hour's tasks are read through the index on (created_at, id), and a filter
-- on `hour` keeps the hours before it from being read at all, so a query costs what its window
-- holds, whatever the history's size.

-- Per task type and hour of submission: how many tasks are in each state, their run time
-- (finished_at - started_at, of the last attempt) in milliseconds, and the share of finished
-- tasks that failed.
CREATE VIEW warren.task_stats AS
SELECT hours.hour, stats.*
FROM generate_series(
         date_trunc('hour', (SELECT min(created_at) FROM warren.tasks)), now(), interval '1 hour'
     ) AS hours (hour)
CROSS JOIN LATERAL (
    SELECT t.task,
           count(*) AS submitted,
           count(*) FILTER (WHERE t.state = 'PENDING') AS pending,
           count(*) FILTER (WHERE t.state = 'SCHEDULED') AS scheduled,
           count(*) FILTER (WHERE t.state = 'QUEUED') AS queued,
           count(*) FILTER (WHERE t.state = 'STARTED') AS started,
           count(*) FILTER (WHERE t.state = 'RETRY') AS retrying,
           count(*) FILTER (WHERE t.state = 'SUCCESS') AS succeeded,
           count(*) FILTER (WHERE t.state = 'FAILURE') AS failed,
           count(*) FILTER (WHERE t.state = 'REVOKED') AS revoked,
           coalesce(sum(t.attempts - 1) FILTER (WHERE t.attempts > 1), 0) AS retries,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY run.ms)::numeric, 1) AS run_ms_p50,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY run.ms)::numeric, 1) AS run_ms_p95,
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY run.ms)::numeric, 1) AS run_ms_p99,
           round(count(*) FILTER (WHERE t.state = 'FAILURE')::numeric
                 / nullif(count(*) FILTER (WHERE t.state IN ('SUCCESS', 'FAILURE')), 0), 4) AS failure_rate
    FROM warren.tasks t
    CROSS JOIN LATERAL (
        SELECT CASE WHEN t.state IN ('SUCCESS', 'FAILURE')
                    THEN extract(epoch FROM t.finished_at - t.started_at)::float8 * 1000 END AS ms
    ) AS run
    WHERE t.created_at >= hours.hour AND t.created_at < hours.hour + interval '1 hour'
    GROUP BY t.task
) AS stats;

-- Per queue and hour of submission: how long tasks that started on their first attempt waited
-- for it, in milliseconds, from when they were handed to the broker (or their ETA, when later).
CREATE VIEW warren.queue_latency AS
SELECT hours.hour, latency.*
FROM generate_series(
         date_trunc('hour', (SELECT min(created_at) FROM warren.tasks)), now(), interval '1 hour'
     ) AS hours (hour)
CROSS JOIN LATERAL (
    SELECT t.queue,
           count(*) AS started,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wait.ms)::numeric, 1) AS wait_ms_p50,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY wait.ms)::numeric, 1) AS wait_ms_p95,
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY wait.ms)::numeric, 1) AS wait_ms_p99,
           round(max(wait.ms)::numeric, 1) AS wait_ms_max
    FROM warren.tasks t
    CROSS JOIN LATERAL (
        SELECT extract(epoch FROM t.started_at - greatest(t.queued_at, t.eta))::float8 * 1000 AS ms
    ) AS wait
    WHERE t.created_at >= hours.hour AND t.created_at < hours.hour + interval '1 hour'
      AND t.attempts = 1 AND t.started_at IS NOT NULL
    GROUP BY t.queue
) AS latency;

-- Every dead letter with its task's side: the task type, attempts, state and arguments (NULL for
-- a message that had no readable task id).
CREATE VIEW warren.dead_letter_tasks AS
SELECT d.id, d.queue, t.task, d.task_id, d.reason,
       d.error ->> 'type' AS error_type, d.error ->> 'message' AS error_message,
       t.attempts, t.state AS task_state, t.args, d.at, d.resolution, d.resolved_at
FROM warren.dead_letters d
LEFT JOIN warren.tasks t ON t.id = d.task_id;
