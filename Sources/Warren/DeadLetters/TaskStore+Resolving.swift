import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    enum DeadLetterAction {
        /// Each task of the dead letters goes back to PENDING, in the outbox, to be published
        /// again, and every waiting dead letter of it is marked replayed.
        case replay
        /// The dead letters are marked purged; their tasks stay as they are.
        case purge
    }

    /// Replays or purges these dead letters, in one transaction, with a REPLAYED or PURGED event on
    /// each task it acted on. Returns a result for each (in order, each id once) and the rows of
    /// the tasks replayed, for the caller to publish: their outbox entries are claimed for
    /// ``relayClaim``, after which the relay publishes them if the caller has not.
    ///
    /// It locks the letters' tasks, then the letters, each in id order: two replays of one task
    /// wait for each other, and the second finds it replayed. A task is replayed only from
    /// FAILURE; it keeps its `attempts` (the fence of its outcomes) and records them as
    /// `attempts_at_replay`, from which its retry policy counts again.
    func resolveDeadLetters(_ requested: [Int], by action: DeadLetterAction) async throws
        -> (results: [DeadLetterResult], replayed: [TaskRecord])
    {
        var seen: Set<Int> = []
        let ids = requested.filter { seen.insert($0).inserted }
        let failure = TaskState.failure.rawValue
        return try await pool.transaction { connection in
            _ = try await connection.query(
                """
                SELECT t.id FROM warren.tasks t
                WHERE t.id IN (SELECT task_id FROM warren.dead_letters WHERE id = ANY(\(ids)::bigint[]))
                ORDER BY t.id FOR UPDATE
                """)
            _ = try await connection.query(
                "SELECT id FROM warren.dead_letters WHERE id = ANY(\(ids)::bigint[]) ORDER BY id FOR UPDATE")
            let resolved: PostgresRows
            switch action {
            case .replay:
                resolved = try await connection.query(
                    """
                    WITH replayed AS (
                        UPDATE warren.tasks t
                        SET state = \(TaskState.pending.rawValue), attempts_at_replay = t.attempts, result = NULL,
                            error = NULL, eta = NULL, queued_at = NULL, finished_at = NULL, progress = NULL,
                            progress_message = NULL, progress_at = NULL
                        WHERE t.id IN (SELECT task_id FROM warren.dead_letters
                                       WHERE id = ANY(\(ids)::bigint[]) AND resolution IS NULL)
                            AND t.state = \(failure)
                        RETURNING t.id, t.attempts
                    ), listed AS (
                        INSERT INTO warren.outbox (task_id, due)
                        SELECT id, now() + \(Self.relayClaim.seconds)::float8 * interval '1 second' FROM replayed
                        ON CONFLICT (task_id) DO UPDATE SET due = excluded.due, refusals = 0, last_refusal = NULL
                    ), resolved AS (
                        UPDATE warren.dead_letters d SET resolution = \(DeadLetterStatus.replayed.rawValue), resolved_at = now()
                        FROM replayed r WHERE d.task_id = r.id AND d.resolution IS NULL
                        RETURNING d.id, d.task_id
                    ), events AS (
                        INSERT INTO warren.task_events (task_id, state, attempt, detail)
                        SELECT r.id, \(TaskEvent.replayed), r.attempts, jsonb_build_object('dead_letters', l.ids)
                        FROM replayed r
                        JOIN (SELECT task_id, jsonb_agg(id ORDER BY id) AS ids FROM resolved GROUP BY task_id) l
                            ON l.task_id = r.id
                    )
                    SELECT id FROM resolved
                    """)
            case .purge:
                resolved = try await connection.query(
                    """
                    WITH purged AS (
                        UPDATE warren.dead_letters SET resolution = \(DeadLetterStatus.purged.rawValue), resolved_at = now()
                        WHERE id = ANY(\(ids)::bigint[]) AND resolution IS NULL
                        RETURNING id, task_id
                    ), events AS (
                        INSERT INTO warren.task_events (task_id, state, attempt, detail)
                        SELECT t.id, \(TaskEvent.purged), t.attempts,
                               jsonb_build_object('dead_letters', jsonb_agg(p.id ORDER BY p.id))
                        FROM purged p JOIN warren.tasks t ON t.id = p.task_id
                        GROUP BY t.id, t.attempts
                    )
                    SELECT id FROM purged
                    """)
            }
            let resolvedNow = Set(try resolved.map { try $0.decode("id", as: Int.self) })
            let rows = try await connection.query(
                """
                SELECT s.id, d.id IS NOT NULL AS found, d.task_id, d.queue, d.resolution, d.resolved_at, t.state
                FROM unnest(\(ids)::bigint[]) WITH ORDINALITY AS s(id, n)
                LEFT JOIN warren.dead_letters d ON d.id = s.id
                LEFT JOIN warren.tasks t ON t.id = d.task_id
                ORDER BY s.n
                """)
            let results = try rows.map { row in
                try Self.result(row, action: action, resolvedNow: resolvedNow)
            }
            let replayedIDs = Array(Set(results.filter { $0.outcome == .replayed }.compactMap(\.taskID)))
            guard !replayedIDs.isEmpty else { return (results, []) }
            let replayed = try await connection.query(
                "SELECT \(unsafeSQL: Self.recordColumns) FROM warren.tasks WHERE id = ANY(\(replayedIDs)::uuid[])")
            return (results, try replayed.map(Self.record))
        }
    }

    private static func result(
        _ row: PostgresRow, action: DeadLetterAction, resolvedNow: Set<Int>
    ) throws -> DeadLetterResult {
        let id: Int = try row.decode("id")
        let taskID: UUID? = try row.decodeIfPresent("task_id")
        let queue: String? = try row.decodeIfPresent("queue")
        let state = row["state"] == nil ? nil : try Self.state(row)
        let task = taskID.map { "task \($0.uuidString.lowercased())" }
        func result(_ outcome: DeadLetterResult.Outcome, _ detail: String) -> DeadLetterResult {
            DeadLetterResult(id: id, queue: queue, taskID: taskID, outcome: outcome, state: state, detail: detail)
        }
        guard try row.decode("found", as: Bool.self) else {
            return result(.notFound, "no dead letter has the id \(id)")
        }
        if resolvedNow.contains(id) {
            switch action {
            case .replay:
                return result(
                    .replayed,
                    "\(task ?? "its task") goes back to \(queue ?? "its queue"), with its retry policy's attempts")
            case .purge:
                return result(
                    .purged,
                    "discarded; \(task.map { "\($0) stays \(state?.rawValue ?? "as it is")" } ?? "it named no task")")
            }
        }
        let resolvedAt = try row.decodeIfPresent("resolved_at", as: Date.self).map(ISO8601Timestamp.format) ?? "?"
        switch try row.decodeIfPresent("resolution", as: String.self).flatMap(DeadLetterStatus.init) {
        case .replayed:
            return result(
                .alreadyReplayed,
                "replayed already, at \(resolvedAt)\(task.map { "; \($0) is \(state?.rawValue ?? "gone")" } ?? "")")
        case .purged:
            return result(.alreadyPurged, "purged already, at \(resolvedAt)")
        case .dead, nil:
            break
        }
        guard let task, let state else {
            return result(.unreadable, "its message could not be read, so it holds no task to run; purge it instead")
        }
        if state == .success { return result(.taskSucceeded, "\(task) succeeded; there is nothing to replay") }
        return result(.taskNotFailed, "\(task) is \(state.rawValue); only a task that failed is replayed")
    }

    /// Of the messages met in a dead-letter queue, those whose dead letters were replayed or
    /// purged: by their `x-warren-dead-letter-key`, and for a message without one (dead-lettered
    /// before keys were written), by its task, once every keyless dead letter of the task is.
    func resolvedDeadLetterMessages(keys: [UUID], keylessTaskIDs: [UUID]) async throws
        -> (keys: Set<UUID>, keylessTaskIDs: Set<UUID>)
    {
        let rows = try await pool.query(
            """
            SELECT key, NULL::uuid AS task_id FROM warren.dead_letters
            WHERE key = ANY(\(keys)::uuid[]) AND resolution IS NOT NULL
            UNION ALL
            SELECT NULL, task_id FROM warren.dead_letters
            WHERE task_id = ANY(\(keylessTaskIDs)::uuid[]) AND key IS NULL
            GROUP BY task_id HAVING bool_and(resolution IS NOT NULL)
            """)
        var resolvedKeys: Set<UUID> = []
        var resolvedTasks: Set<UUID> = []
        for row in rows {
            if let key = try row.decodeIfPresent("key", as: UUID.self) { resolvedKeys.insert(key) }
            if let task = try row.decodeIfPresent("task_id", as: UUID.self) { resolvedTasks.insert(task) }
        }
        return (resolvedKeys, resolvedTasks)
    }
}
