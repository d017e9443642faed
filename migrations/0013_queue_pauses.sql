-- Paused queues (POST /v1/queues/{name}/pause, `warren queues pause`): workers read this every
-- half second, stop consuming a queue once it is here and consume it again once it is gone.
CREATE TABLE warren.queue_pauses (
    queue     text        PRIMARY KEY,
    paused_at timestamptz NOT NULL DEFAULT now()
);
