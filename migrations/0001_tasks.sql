-- Warren's record of every task: one row per task, plus an append-only history of its states.
-- This schema is a documented interface (docs/schema.md): query it with plain SQL.

CREATE SCHEMA IF NOT EXISTS warren;

CREATE TABLE warren.tasks (
    id              uuid        PRIMARY KEY,
    task            text        NOT NULL,
    queue           text        NOT NULL,
    state           text        NOT NULL,
    args            jsonb       NOT NULL DEFAULT '{}',
    result          jsonb,
    error           jsonb,
    attempts        integer     NOT NULL DEFAULT 0,
    priority        integer     NOT NULL DEFAULT 0,
    idempotency_key text,
    worker          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    queued_at       timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    CONSTRAINT tasks_state_check CHECK (state IN ('PENDING', 'QUEUED', 'STARTED', 'SUCCESS', 'FAILURE'))
);

CREATE UNIQUE INDEX tasks_idempotency_key ON warren.tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_created_at ON warren.tasks (created_at);
CREATE INDEX tasks_task_created_at ON warren.tasks (task, created_at);

CREATE TABLE warren.task_events (
    id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id uuid        NOT NULL REFERENCES warren.tasks (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now(),
    state   text        NOT NULL,
    attempt integer     NOT NULL DEFAULT 0,
    worker  text,
    detail  jsonb
);

-- "The history of one task" and "what happened in this time window".
CREATE INDEX task_events_task ON warren.task_events (task_id, id);
CREATE INDEX task_events_at ON warren.task_events (at);

-- The task types workers serve, advertised at start-up; the API validates submissions with it.
CREATE TABLE warren.task_types (
    name        text        PRIMARY KEY,
    queue       text        NOT NULL,
    args_schema jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Messages a worker sent to "<queue>.dead", with the reason; task_id is NULL when the
-- message carried no readable id.
CREATE TABLE warren.dead_letters (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue     text        NOT NULL,
    task_id   uuid,
    reason    text        NOT NULL,
    error     jsonb,
    body      bytea       NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dead_letters_queue_at ON warren.dead_letters (queue, at);
