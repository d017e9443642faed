import Foundation
import WarrenCore
import WarrenPostgres

/// A schedule as `warren.schedules` holds it, with what the beat needs to fire it.
struct StoredSchedule: Sendable {
    var schedule: Schedule
    /// Slots after this are fired.
    var fireAfter: Date
}

/// One slot a beat fires: the task it submits, or why it could not make one; nil for a schedule
/// the beat runs itself.
struct Firing: Sendable {
    var slot: Date
    var task: Result<NewTask, WarrenError>?
    var expiresAt: Date?
}

extension TaskStore {
    /// The columns ``storedSchedule(_:)`` reads, of `warren.schedules s`.
    static let scheduleColumns = """
        s.name, s.cron, s.every_seconds, s.zone, s.task, s.args::text AS args, s.queue, s.priority,
        s.retry::text AS retry, extract(epoch FROM s.expires)::float8 AS expires, s.catch_up, s.catch_up_limit,
        s.paused, s.fire_after
        """

    /// Reads a row of ``scheduleColumns``.
    static func storedSchedule(_ row: PostgresRow) throws -> StoredSchedule {
        let trigger: ScheduleTrigger
        if let cron: String = try row.decodeIfPresent("cron") {
            trigger = .cron(try CronExpression(cron), zone: try Schedule.zone(try row.decode("zone")))
        } else {
            trigger = .every(seconds: try row.decode("every_seconds"))
        }
        let schedule = try Schedule(
            name: try row.decode("name"), trigger: trigger, task: try row.decode("task"),
            args: try JSONValue(parsing: Array(try row.decode("args", as: String.self).utf8)),
            queue: try row.decodeIfPresent("queue"), priority: try row.decodeIfPresent("priority"),
            retry: try row.decodeIfPresent("retry", as: String.self).map { try JSONValue(parsing: Array($0.utf8)) },
            expires: try row.decodeIfPresent("expires", as: Double.self).map { .milliseconds(Int64($0 * 1000)) },
            catchUp: try CatchUp(name: try row.decode("catch_up"), limit: try row.decodeIfPresent("catch_up_limit")),
            paused: try row.decode("paused"))
        return StoredSchedule(schedule: schedule, fireAfter: try row.decode("fire_after"))
    }

    /// Stores the schedules an application declares in code. One that is new, or whose
    /// declaration changed since it was stored, is written as declared, run-time changes and all
    /// replaced; one whose declaration is as stored keeps its run-time changes. A new trigger
    /// fires from now on, not from the old one's last slot.
    func sync(declared schedules: [Schedule]) async throws {
        try await pool.transaction { connection in
            for schedule in schedules {
                let columns = ScheduleColumns(schedule)
                _ = try await connection.query(
                    """
                    INSERT INTO warren.schedules AS s (name, cron, every_seconds, zone, task, args, queue, priority, retry,
                                                       expires, catch_up, catch_up_limit, paused, code_digest)
                    VALUES (\(schedule.name), \(columns.cron), \(columns.every), \(columns.zone),
                            \(schedule.task), \(schedule.args.jsonText)::jsonb, \(schedule.queue), \(schedule.priority),
                            \(schedule.retry?.jsonText)::jsonb, \(schedule.expires?.seconds)::float8 * interval '1 second',
                            \(schedule.catchUp.name), \(schedule.catchUp.limit), \(schedule.paused), \(schedule.digest))
                    ON CONFLICT (name) DO UPDATE SET
                        cron = excluded.cron, every_seconds = excluded.every_seconds, zone = excluded.zone,
                        task = excluded.task, args = excluded.args, queue = excluded.queue,
                        priority = excluded.priority, retry = excluded.retry, expires = excluded.expires,
                        catch_up = excluded.catch_up, catch_up_limit = excluded.catch_up_limit,
                        paused = excluded.paused, code_digest = excluded.code_digest, updated_at = now(),
                        fire_after = CASE
                            WHEN (s.cron, s.every_seconds, s.zone) IS DISTINCT FROM
                                 (excluded.cron, excluded.every_seconds, excluded.zone)
                            THEN greatest(s.fire_after, now()) ELSE s.fire_after END
                    WHERE s.code_digest IS DISTINCT FROM excluded.code_digest
                    """)
            }
        }
    }

    /// The schedules that are not paused.
    func schedulesToFire() async throws -> [StoredSchedule] {
        try await pool.query(
            "SELECT \(unsafeSQL: Self.scheduleColumns) FROM warren.schedules s WHERE NOT paused ORDER BY name"
        ).map(Self.storedSchedule)
    }

    /// Fires `firings` of `schedule` in one transaction: each slot's firing is inserted with its
    /// task, PENDING and on the outbox for the relay to publish, unless the slot was fired
    /// already (by another beat); the schedule then fires from its newest slot on.
    /// - Returns: the tasks created, and how many slots were claimed.
    func fire(_ firings: [Firing], of schedule: String) async throws -> (tasks: [NewTask], claimed: Int) {
        guard let newest = firings.map(\.slot).max() else { return ([], 0) }
        return try await pool.transaction { connection in
            let claimed = try await connection.query(
                """
                INSERT INTO warren.schedule_firings (schedule, slot, task_id, error, expires_at)
                SELECT \(schedule), to_timestamp(slot), task_id, error, to_timestamp(expires_at)
                FROM unnest(\(firings.map(\.slot.timeIntervalSince1970))::float8[],
                            \(firings.map { try? $0.task?.get().id })::uuid[], \(firings.map(\.errorText))::text[],
                            \(firings.map { $0.expiresAt?.timeIntervalSince1970 })::float8[])
                    AS f(slot, task_id, error, expires_at)
                ON CONFLICT (schedule, slot) DO NOTHING
                RETURNING task_id
                """)
            let claimedIDs = Set(try claimed.compactMap { try $0.decodeIfPresent("task_id", as: UUID.self) })
            let tasks = firings.compactMap { try? $0.task?.get() }.filter { claimedIDs.contains($0.id) }
            if !tasks.isEmpty {
                let inserted = try await insert(tasks, on: connection)
                try await revertToPending(Array(inserted), on: connection)
            }
            _ = try await connection.query(
                """
                UPDATE warren.schedules SET fire_after = greatest(fire_after, to_timestamp(\(newest.timeIntervalSince1970)))
                WHERE name = \(schedule)
                """)
            return (tasks, claimed.count)
        }
    }

    /// The tasks fired by schedules that are past their expiry and have not started; each firing
    /// is checked once.
    func expiredFirings() async throws -> [UUID] {
        let waiting = [TaskState.pending, .queued, .scheduled].map(\.rawValue)
        return try await pool.query(
            """
            WITH expired AS (
                UPDATE warren.schedule_firings SET expires_at = NULL
                WHERE expires_at <= now()
                RETURNING task_id
            )
            SELECT t.id FROM expired JOIN warren.tasks t ON t.id = expired.task_id
            WHERE t.state = ANY(\(waiting)::text[])
            """
        ).map { try $0.decode("id", as: UUID.self) }
    }
}

extension Firing {
    var errorText: String? {
        if case .failure(let error)? = task { return error.message }
        return nil
    }
}
