-- Rate limits per task type, shared by every worker (issue #3). A worker about to start a task
-- of a limited type takes the next turn by moving next_turn one interval on; a turn in the
-- future is waited for, in the delay queues when it is more than a second away. Workers write
-- the limits their task types declare when they start.
CREATE TABLE warren.rate_limits (
    task       text        PRIMARY KEY,
    rate       text        NOT NULL,  -- Celery's notation, e.g. 100/s
    every      interval    NOT NULL CHECK (every > interval '0'),
    burst      integer     NOT NULL CHECK (burst >= 1),
    -- When the next start may happen at the steady rate. It may lag up to (burst - 1) intervals
    -- behind the clock, which is what lets a burst start at once after a quiet spell.
    next_turn  timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
