-- The queues a submission may name: those a worker consumes (written as it starts) and those an
-- operator declared (`warren queue declare`). Anything else is refused with a 422, so that no
-- client can make RabbitMQ create durable queues nobody reads.
CREATE TABLE warren.queues (
    name           text        PRIMARY KEY CHECK (octet_length(name) BETWEEN 1 AND 200),
    -- When a worker last started consuming it.
    consumed_since timestamptz,
    -- When an operator declared it, if one did.
    declared_at    timestamptz,
    CHECK (consumed_since IS NOT NULL OR declared_at IS NOT NULL)
);
