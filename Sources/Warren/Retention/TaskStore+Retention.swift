import Foundation
import WarrenCore
import WarrenPostgres

/// Where a retention walk over `warren.tasks` stands: the last row it read, in `(created_at, id)`
/// order, with the time in microseconds since 1970 (exact, unlike a `Date`).
struct RetentionPosition: Sendable, Equatable {
    var microseconds: Int
    var id: UUID

    var createdAt: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}

/// What one batch of a retention walk read and deleted.
struct RetentionBatch: Sendable {
    /// Tasks the walk read; fewer than the batch's limit means it reached its end.
    var walked: Int
    /// The last task read, nil when none was.
    var last: RetentionPosition?
    var tasks: Int
    var events: Int
    var deadLetters: Int
}

extension TaskStore {
    /// Reads the next `limit` tasks after `position` (from the oldest when nil) that were created
    /// before the latest of `cutoffs`, and deletes those of them that finished before their
    /// state's cutoff and have no dead letter waiting, with their events, dead letters and result
    /// expiry, in one statement. Only the rows it deletes are locked, and only while it runs.
    ///
    /// The limit is part of the statement, and the deletes look the tasks up by `= ANY(array)`: with
    /// `LIMIT $n` the generic plan expected a tenth of the table, and at ten million tasks joined
    /// `task_events` by scanning all of it, for 12 s a batch.
    static func deleteExpiredTasks(
        after position: RetentionPosition?, cutoffs: RetentionCutoffs, limit: Int, on connection: PostgresConnection
    ) async throws -> RetentionBatch {
        guard let until = cutoffs.latest else { return RetentionBatch(walked: 0, tasks: 0, events: 0, deadLetters: 0) }
        let row = try await connection.query(
            """
            WITH batch AS (
                SELECT id, created_at FROM warren.tasks
                WHERE (created_at, id) > (coalesce(timestamptz 'epoch' + \(position?.microseconds)::bigint * interval '1 microsecond',
                                                   '-infinity'),
                                          coalesce(\(position?.id)::uuid, '00000000-0000-0000-0000-000000000000'))
                  AND created_at < to_timestamp(\(until)::float8)
                ORDER BY created_at, id
                LIMIT \(unsafeSQL: String(limit))
            ), doomed AS (
                DELETE FROM warren.tasks t USING batch b
                WHERE t.id = b.id
                  AND t.finished_at < CASE t.state WHEN \(TaskState.success.rawValue) THEN to_timestamp(\(cutoffs.success)::float8)
                                                   WHEN \(TaskState.failure.rawValue) THEN to_timestamp(\(cutoffs.failure)::float8)
                                                   WHEN \(TaskState.revoked.rawValue) THEN to_timestamp(\(cutoffs.revoked)::float8) END
                  AND NOT EXISTS (SELECT 1 FROM warren.dead_letters d WHERE d.task_id = t.id AND d.resolution IS NULL)
                RETURNING t.id
            ), events AS (
                DELETE FROM warren.task_events WHERE task_id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1
            ), letters AS (
                DELETE FROM warren.dead_letters WHERE task_id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING 1
            ), expiries AS (
                DELETE FROM warren.result_expiries WHERE task_id = ANY(ARRAY(SELECT id FROM doomed))
            ), last AS (
                SELECT created_at, id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1
            )
            SELECT (SELECT count(*) FROM batch) AS walked,
                   (SELECT (extract(epoch FROM created_at) * 1000000)::bigint FROM last) AS last_microseconds,
                   (SELECT id FROM last) AS last_id,
                   (SELECT count(*) FROM doomed) AS tasks, (SELECT count(*) FROM events) AS events,
                   (SELECT count(*) FROM letters) AS dead_letters
            """
        ).first!
        let last: RetentionPosition? = try row.decodeIfPresent("last_microseconds", as: Int.self).map {
            RetentionPosition(microseconds: $0, id: try row.decode("last_id"))
        }
        return RetentionBatch(
            walked: try row.decode("walked"), last: last, tasks: try row.decode("tasks"),
            events: try row.decode("events"), deadLetters: try row.decode("dead_letters"))
    }

    /// Deletes up to `limit` dead letters that have no task (their message had no readable id),
    /// were replayed or purged, and arrived before `cutoff`; returns how many.
    static func deleteExpiredTasklessDeadLetters(
        before cutoff: Date, limit: Int, on connection: PostgresConnection
    ) async throws -> Int {
        try await connection.query(
            """
            DELETE FROM warren.dead_letters WHERE id IN (
                SELECT id FROM warren.dead_letters
                WHERE at < to_timestamp(\(cutoff)::float8) AND task_id IS NULL AND resolution IS NOT NULL
                ORDER BY at, id LIMIT \(unsafeSQL: String(limit)))
            """
        ).affectedRows
    }

    /// Clears the results of up to `limit` tasks whose result is due to expire; returns how many.
    static func expireResults(limit: Int, on connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            """
            WITH due AS (
                DELETE FROM warren.result_expiries WHERE task_id IN (
                    SELECT task_id FROM warren.result_expiries WHERE expires_at <= now()
                    ORDER BY expires_at LIMIT \(unsafeSQL: String(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING task_id
            )
            UPDATE warren.tasks t SET result = NULL, result_expired_at = now()
            FROM due WHERE t.id = due.task_id
            """
        ).affectedRows
    }
}

/// A ``RetentionPolicy`` at one moment: for each finished state, the time before which its tasks
/// finished to be deleted (seconds since 1970), nil to keep them.
struct RetentionCutoffs: Sendable {
    var success: Double?
    var failure: Double?
    var revoked: Double?

    init(_ policy: RetentionPolicy, now: Date) {
        func cutoff(_ seconds: Int?) -> Double? { seconds.map { now.timeIntervalSince1970 - Double($0) } }
        success = cutoff(policy.success)
        failure = cutoff(policy.failure)
        revoked = cutoff(policy.revoked)
    }

    /// The latest cutoff: no task created after it can be deleted.
    var latest: Double? { [success, failure, revoked].compactMap { $0 }.max() }
}
