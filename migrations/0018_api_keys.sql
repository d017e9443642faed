-- API keys (docs/schema.md, "warren.api_keys"): the API stores only their SHA-256; a key is shown
-- once, when it is created, and revoked, never deleted, so the tasks it submitted keep their owner.
CREATE TABLE warren.api_keys (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('read', 'submit', 'admin')),
    -- The key's first characters, to recognise it in a list.
    prefix     text        NOT NULL,
    hash       bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- The key that submitted a task over the API, if one did: a `submit` key revokes only its own
-- tasks, and idempotency keys are scoped per API key.
ALTER TABLE warren.tasks ADD COLUMN api_key_id bigint;

DROP INDEX warren.tasks_idempotency_key;
CREATE UNIQUE INDEX tasks_idempotency_key ON warren.tasks (coalesce(api_key_id, 0), idempotency_key)
    WHERE idempotency_key IS NOT NULL;
