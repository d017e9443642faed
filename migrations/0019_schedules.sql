-- Periodic schedules (docs/schema.md, "warren.schedules"): what `warren beat` fires, declared in
-- an application's code (synced when its beat starts) or managed at run time over REST and the CLI.
CREATE TABLE warren.schedules (
    name           text        PRIMARY KEY,
    -- Exactly one of a cron expression, read in `zone`, and an interval in seconds.
    cron           text,
    every_seconds  integer     CHECK (every_seconds > 0),
    zone           text        NOT NULL DEFAULT 'UTC',
    -- The task each firing submits, as POST /v1/tasks takes it.
    task           text        NOT NULL,
    args           jsonb       NOT NULL DEFAULT '{}',
    queue          text,
    priority       integer,
    retry          jsonb,
    -- A fired task not started this long after its slot is revoked.
    expires        interval,
    catch_up       text        NOT NULL DEFAULT 'once' CHECK (catch_up IN ('once', 'skip', 'all')),
    catch_up_limit integer     CHECK (catch_up_limit BETWEEN 1 AND 1000),
    paused         boolean     NOT NULL DEFAULT false,
    -- Slots after this are fired: the newest slot fired, or when the schedule was made, resumed or
    -- given a new trigger.
    fire_after     timestamptz NOT NULL DEFAULT now(),
    -- For a schedule declared in code: the digest of that declaration. A run-time change lasts
    -- until the code's declaration changes (docs/schedules.md).
    code_digest    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((cron IS NULL) <> (every_seconds IS NULL))
);

-- Every slot fired, inserted in the transaction that creates its task: two beats, or a beat and
-- the one that took over from it, cannot fire a slot twice. `task_id` is NULL, and `error` says
-- why, when the schedule could not make its task (a task type no worker advertises any more).
CREATE TABLE warren.schedule_firings (
    schedule   text        NOT NULL REFERENCES warren.schedules (name) ON DELETE CASCADE,
    slot       timestamptz NOT NULL,
    task_id    uuid,
    error      text,
    fired_at   timestamptz NOT NULL DEFAULT now(),
    -- When the task is revoked unless it has started; cleared once checked.
    expires_at timestamptz,
    PRIMARY KEY (schedule, slot)
);

CREATE INDEX schedule_firings_expires_at ON warren.schedule_firings (expires_at) WHERE expires_at IS NOT NULL;
