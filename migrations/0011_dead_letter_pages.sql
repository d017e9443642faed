-- Dead letters a page at a time, newest first (GET /v1/dead-letters, `warren dlq list`): a listing
-- walks one of these indexes backwards from its cursor, the last (at, id) it showed. They replace
-- the index on (queue, at).
CREATE INDEX dead_letters_at_id ON warren.dead_letters (at, id);
CREATE INDEX dead_letters_queue_at_id ON warren.dead_letters (queue, at, id);
DROP INDEX warren.dead_letters_queue_at;
