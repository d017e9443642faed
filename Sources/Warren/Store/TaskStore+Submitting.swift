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
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[],
                                     $7::float8[], $8::text[], $9::float8[], $10::jsonb[])
                    AS i(id, task, queue, args, priority, idempotency_key, created, state, eta, retry_policy)
            ), inserted AS (
                INSERT INTO warren.tasks (id, task, queue, state, args, priority, idempotency_key, created_at, queued_at,
                                          eta, retry_policy)
                SELECT id, task, queue, state, args, priority, idempotency_key, to_timestamp(created), clock_timestamp(),
                       to_timestamp(eta), retry_policy
                FROM input ORDER BY id
                ON CONFLICT DO NOTHING
                RETURNING id, state, queued_at, eta
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state) SELECT id, queued_at, state FROM inserted
            ), listed AS (
                INSERT INTO warren.outbox (task_id, due)
                SELECT id, eta + $11::float8 * interval '1 second' FROM inserted WHERE eta IS NOT NULL
            )
            SELECT id FROM inserted
            """,
            [
                tasks.map(\.id), tasks.map(\.task), tasks.map(\.queue), tasks.map { $0.args.jsonText },
                tasks.map(\.priority), tasks.map(\.idempotencyKey), tasks.map { $0.createdAt.timeIntervalSince1970 },
                tasks.map(\.publishedState.rawValue), tasks.map { $0.eta?.timeIntervalSince1970 },
                tasks.map { $0.retry?.json.jsonText }, Self.overdueAfter.seconds,
            ])
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    /// Turns tasks inserted by ``insert(_:on:)`` in the same, still open, transaction back to
    /// PENDING: the broker did not confirm them, so they are accepted but not yet published.
    /// They go on the outbox, due at once, for the relay.
    func revertToPending(_ ids: [UUID], on connection: PostgresConnection) async throws {
        _ = try await connection.query(
            """
            WITH tasks AS (
                UPDATE warren.tasks SET state = $2, queued_at = NULL WHERE id = ANY($1::uuid[])
            ), events AS (
                UPDATE warren.task_events SET state = $2 WHERE task_id = ANY($1::uuid[])
            )
            INSERT INTO warren.outbox (task_id, due) SELECT id, now() FROM unnest($1::uuid[]) AS i(id)
            ON CONFLICT (task_id) DO UPDATE SET due = excluded.due
            """,
            [ids, TaskState.pending.rawValue])
    }

    /// The tasks holding these idempotency keys.
    func tasks(withIdempotencyKeys keys: [String], on connection: PostgresConnection) async throws
        -> [String: TaskRecord]
    {
        let rows = try await connection.query(
            "SELECT \(Self.recordColumns), idempotency_key FROM warren.tasks WHERE idempotency_key = ANY($1::text[])",
            [keys])
        var found: [String: TaskRecord] = [:]
        for row in rows {
            found[try row.decode("idempotency_key")] = try Self.record(row)
        }
        return found
    }
}
