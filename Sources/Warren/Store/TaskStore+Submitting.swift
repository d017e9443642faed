import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Inserts tasks as they will be once published (QUEUED, or SCHEDULED when delayed) with an
    /// event of that state, on `connection`, inside the transaction that commits only once the
    /// broker has confirmed their messages (see ``WarrenClient``). Returns the ids actually
    /// inserted: a task whose idempotency key is taken is not, nor one whose row a worker already
    /// created from its message. Rows are inserted in id order, as ``start(_:worker:)`` and
    /// ``finish(_:worker:)`` take them, so a submission and a worker that race for the same rows
    /// wait on each other in one order and never deadlock.
    func insert(_ tasks: [NewTask], on connection: PostgresConnection) async throws -> Set<UUID> {
        let ids = tasks.map(\.id)
        let names = tasks.map(\.task)
        let queues = tasks.map(\.queue)
        let args = tasks.map(\.argsText)
        let priorities = tasks.map(\.priority)
        let idempotencyKeys = tasks.map(\.idempotencyKey)
        let created = tasks.map(\.createdAt.timeIntervalSince1970)
        let states = tasks.map(\.publishedState.rawValue)
        let etas = tasks.map { $0.eta?.timeIntervalSince1970 }
        let retryPolicies = tasks.map { $0.retry?.json.jsonText }
        let requests = tasks.map(\.request)
        let resultTTLs = tasks.map(\.resultTTL)
        let apiKeyIDs = tasks.map(\.apiKeyID)
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(names)::text[], \(queues)::text[], \(args)::jsonb[],
                                     \(priorities)::int[], \(idempotencyKeys)::text[], \(created)::float8[],
                                     \(states)::text[], \(etas)::float8[], \(retryPolicies)::jsonb[], \(requests)::text[],
                                     \(resultTTLs)::float8[], \(apiKeyIDs)::bigint[])
                    AS i(id, task, queue, args, priority, idempotency_key, created, state, eta, retry_policy, request,
                         result_ttl, api_key_id)
            ), inserted AS (
                INSERT INTO warren.tasks (id, task, queue, state, args, priority, idempotency_key, created_at, queued_at,
                                          eta, retry_policy, idempotency_request, result_ttl, api_key_id)
                SELECT id, task, queue, state, args, priority, idempotency_key, to_timestamp(created), clock_timestamp(),
                       to_timestamp(eta), retry_policy, sha256(convert_to(request, 'UTF8')), result_ttl * interval '1 second',
                       api_key_id
                FROM input ORDER BY id
                ON CONFLICT DO NOTHING
                RETURNING id, state, queued_at, eta
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state) SELECT id, queued_at, state FROM inserted
            ), listed AS (
                -- Watched from when it is due, or from now for an ETA already past (published at once).
                INSERT INTO warren.outbox (task_id, due)
                SELECT id, greatest(eta, now()) + \(Self.overdueAfter.seconds)::float8 * interval '1 second'
                FROM inserted WHERE eta IS NOT NULL
            )
            SELECT id FROM inserted
            """)
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    /// Turns tasks inserted by ``insert(_:on:)`` in the same, still open, transaction back to
    /// PENDING: the broker did not confirm them, so they are accepted but not yet published.
    /// They go on the outbox, due at once, for the relay.
    func revertToPending(_ ids: [UUID], on connection: PostgresConnection) async throws {
        let pending = TaskState.pending.rawValue
        _ = try await connection.query(
            """
            WITH tasks AS (
                UPDATE warren.tasks SET state = \(pending), queued_at = NULL WHERE id = ANY(\(ids)::uuid[])
            ), events AS (
                UPDATE warren.task_events SET state = \(pending) WHERE task_id = ANY(\(ids)::uuid[])
            )
            INSERT INTO warren.outbox (task_id, due) SELECT id, now() FROM unnest(\(ids)::uuid[]) AS i(id)
            ON CONFLICT (task_id) DO UPDATE SET due = excluded.due
            """)
    }

    /// For each task whose idempotency key was taken, the task holding it, and whether it was
    /// submitted with the same request (a row from before requests were recorded matches any).
    func tasks(holdingKeysOf tasks: [NewTask], on connection: PostgresConnection) async throws
        -> [UUID: (record: TaskRecord, sameRequest: Bool)]
    {
        let rows = try await connection.query(
            """
            SELECT \(unsafeSQL: Self.recordColumns), i.asking,
                   coalesce(idempotency_request = sha256(convert_to(i.request, 'UTF8')), true) AS same_request
            FROM warren.tasks
            JOIN unnest(\(tasks.map(\.id))::uuid[], \(tasks.map(\.idempotencyKey))::text[], \(tasks.map(\.request))::text[],
                        \(tasks.map(\.apiKeyID))::bigint[])
                AS i(asking, key, request, owner)
                ON coalesce(api_key_id, 0) = coalesce(i.owner, 0) AND idempotency_key = i.key
            """)
        var found: [UUID: (record: TaskRecord, sameRequest: Bool)] = [:]
        for row in rows {
            found[try row.decode("asking")] = (try Self.record(row), try row.decode("same_request"))
        }
        return found
    }
}
