-- Dead letters are replayed (sent back to their queue) or purged (discarded), and a replayed task
-- gets its retry policy's attempts again.
--
-- `attempts` only ever grows: it fences late outcomes off (docs/guarantees.md). A replay records
-- the attempts the task had then, and the retry policy counts the attempts after it.
ALTER TABLE warren.tasks ADD COLUMN attempts_at_replay integer NOT NULL DEFAULT 0;

-- `key`: the `x-warren-dead-letter-key` header of the message in "<queue>.dead", which tells a
-- replay or purge which messages there to remove. `resolution`: NULL while the dead letter waits,
-- then 'replayed' or 'purged', at `resolved_at`.
ALTER TABLE warren.dead_letters
    ADD COLUMN key uuid,
    ADD COLUMN resolution text CONSTRAINT dead_letters_resolution_check CHECK (resolution IN ('replayed', 'purged')),
    ADD COLUMN resolved_at timestamptz;

CREATE UNIQUE INDEX dead_letters_key ON warren.dead_letters (key);
CREATE INDEX dead_letters_task_id ON warren.dead_letters (task_id);
-- The dead letters still waiting, a page at a time (the listing's default, and what a replay or
-- purge walks), without walking past those already replayed or purged.
CREATE INDEX dead_letters_waiting_at_id ON warren.dead_letters (at, id) WHERE resolution IS NULL;
CREATE INDEX dead_letters_waiting_queue_at_id ON warren.dead_letters (queue, at, id) WHERE resolution IS NULL;
