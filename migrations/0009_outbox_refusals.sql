-- How often the broker refused an outbox entry's message (a 406 on its queue's declaration, a
-- message over its max_message_size), and the last refusal. The relay publishes the entry alone,
-- waiting longer after each refusal, while every other entry keeps flowing; after the last allowed
-- refusal the task fails with reason `unpublishable` (docs/guarantees.md).
ALTER TABLE warren.outbox
    ADD COLUMN refusals integer NOT NULL DEFAULT 0,
    ADD COLUMN last_refusal text;
