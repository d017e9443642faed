-- How many tasks each queue finished, in 10-second buckets (`at` is the bucket's start):
-- GET /v1/queues reads the last hour's rows, never warren.tasks. Each worker adds its counts once
-- a second.
CREATE TABLE warren.queue_stats (
    queue     text        NOT NULL,
    at        timestamptz NOT NULL,
    succeeded integer     NOT NULL DEFAULT 0,
    failed    integer     NOT NULL DEFAULT 0,
    retried   integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, at)
);
