public import Foundation
public import WarrenCore
import WarrenPostgres

/// A schedule as it stands: its definition, where it came from, its last firing and its next
/// slots.
public struct ScheduleState: Sendable {
    public var schedule: Schedule
    /// Declared in an application's code (and synced by its beat), rather than made at run time.
    public var declaredInCode: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Slots after this are fired.
    public var fireAfter: Date
    public var lastFiring: LastFiring?

    /// The newest slot fired, and what became of it.
    public struct LastFiring: Sendable {
        public var slot: Date
        public var firedAt: Date
        /// Nil when the schedule could not make its task; ``error`` says why.
        public var taskID: UUID?
        /// The task's state, while its row is kept.
        public var taskState: TaskState?
        public var error: String?
    }

    /// The next `count` slots it fires, from now (none while it is paused).
    public func nextSlots(_ count: Int = 5, after now: Date = Date()) -> [Date] {
        schedule.paused ? [] : schedule.trigger.slots(after: max(now, fireAfter), count: count)
    }

    /// The document `GET /v1/schedules/{name}` answers and `warren schedules --json` prints.
    public var document: JSONValue {
        let schedule = schedule
        let zone: TimeZone
        if case .cron(_, let cronZone) = schedule.trigger { zone = cronZone } else { zone = .gmt }
        let local = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: zone)
        var members: [String: JSONValue] = [
            "name": .string(schedule.name), "task": .string(schedule.task), "args": schedule.args,
            "queue": schedule.queue.map(JSONValue.string) ?? .null,
            "priority": schedule.priority.map { JSONValue($0) } ?? .null, "retry": schedule.retry ?? .null,
            "expires": schedule.expires.map { JSONValue($0.seconds) } ?? .null,
            "catch_up": .string(schedule.catchUp.name),
            "catch_up_limit": schedule.catchUp.limit.map { JSONValue($0) } ?? .null,
            "paused": .bool(schedule.paused), "declared_in_code": .bool(declaredInCode),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt),
            "next": .array(
                nextSlots().map { .object(["utc": .time($0), "local": .string(local.format($0))]) }),
            "last_run": lastFiring.map { last in
                .object([
                    "slot": .time(last.slot), "fired_at": .time(last.firedAt),
                    "task_id": last.taskID.map { .string($0.uuidString.lowercased()) } ?? .null,
                    "state": last.taskState.map { .string($0.rawValue) } ?? .null,
                    "error": last.error.map(JSONValue.string) ?? .null,
                ])
            } ?? .null,
        ]
        switch schedule.trigger {
        case .cron(let expression, let zone):
            members["cron"] = .string(expression.description)
            members["zone"] = .string(zone.identifier)
            members["every"] = .null
        case .every(let seconds):
            members["cron"] = .null
            members["zone"] = .string("UTC")
            members["every"] = .string("\(seconds)s")
        }
        return .object(members)
    }
}

extension WarrenClient {
    /// Every schedule, by name.
    public func schedules() async throws -> [ScheduleState] {
        try await reportingServers { try await store.scheduleStates(named: nil) }
    }

    /// The schedule named `name`, if there is one.
    public func schedule(named name: String) async throws -> ScheduleState? {
        try await reportingServers { try await store.scheduleStates(named: name).first }
    }

    /// Adds a schedule at run time. Its task is checked as a submission is: the task type must be
    /// advertised, its queue known, and its arguments valid.
    /// - Throws: ``WarrenError`` `invalidArguments` (or `unknownTask`, `unknownQueue`) for a bad
    ///   schedule, `conflict` when its name is taken.
    public func addSchedule(_ schedule: Schedule) async throws -> ScheduleState {
        try await check(schedule)
        return try await reportingServers {
            guard try await store.insertSchedule(schedule) else {
                throw WarrenError(
                    .conflict,
                    "a schedule named \(schedule.name.debugDescription) exists; change it, or remove it first")
            }
            guard let state = try await store.scheduleStates(named: schedule.name).first else {
                throw WarrenError(
                    .conflict, "the schedule \(schedule.name.debugDescription) was removed as it was added")
            }
            return state
        }
    }

    /// Replaces a schedule's definition. A new trigger fires from now on.
    /// - Returns: nil when there is no such schedule.
    public func replaceSchedule(_ schedule: Schedule) async throws -> ScheduleState? {
        try await check(schedule)
        return try await reportingServers {
            guard try await store.updateSchedule(schedule) else { return nil }
            return try await store.scheduleStates(named: schedule.name).first
        }
    }

    /// Removes a schedule and its firings' ledger (the tasks it fired are kept).
    /// - Returns: false when there was no such schedule.
    public func removeSchedule(named name: String) async throws -> Bool {
        try await reportingServers {
            !(try await store.pool.query("DELETE FROM warren.schedules WHERE name = \(name) RETURNING name").isEmpty)
        }
    }

    /// Submits a schedule's task now, outside its slots.
    /// - Returns: nil when there is no such schedule.
    /// - Throws: ``WarrenError`` `invalidArguments` for a schedule the beat runs itself.
    public func runScheduleNow(named name: String) async throws -> SubmissionReceipt? {
        guard let state = try await schedule(named: name) else { return nil }
        guard !state.schedule.runsInBeat else {
            throw WarrenError(
                .invalidArguments,
                "$.task: \(Schedule.retentionTask) runs in the leading beat, not as a task; run 'warren history purge' instead"
            )
        }
        return try await submit(state.schedule.submission)
    }

    /// Checks a schedule's task as a submission is checked; a schedule the beat runs itself has
    /// no task to check, and takes no arguments.
    private func check(_ schedule: Schedule) async throws {
        guard schedule.runsInBeat else {
            _ = try await validated(schedule.submission)
            return
        }
        guard schedule.args == .object([:]), schedule.queue == nil, schedule.priority == nil, schedule.retry == nil
        else {
            throw WarrenError(
                .invalidArguments, "$.args: \(Schedule.retentionTask) takes no arguments, queue, priority or retry")
        }
    }
}

extension TaskStore {
    /// The schedules, or the one named `name`, with their last firing.
    func scheduleStates(named name: String?) async throws -> [ScheduleState] {
        let rows = try await pool.query(
            """
            SELECT \(unsafeSQL: Self.scheduleColumns), s.code_digest IS NOT NULL AS declared_in_code, s.created_at,
                   s.updated_at, f.slot AS last_slot, f.fired_at AS last_fired_at, f.task_id AS last_task_id,
                   f.error AS last_error, t.state AS last_state
            FROM warren.schedules s
            LEFT JOIN LATERAL (
                SELECT slot, fired_at, task_id, error FROM warren.schedule_firings
                WHERE schedule = s.name ORDER BY slot DESC LIMIT 1
            ) f ON true
            LEFT JOIN warren.tasks t ON t.id = f.task_id
            WHERE \(name)::text IS NULL OR s.name = \(name)
            ORDER BY s.name
            """)
        return try rows.map { row in
            let stored = try Self.storedSchedule(row)
            let last: ScheduleState.LastFiring? = try row.decodeIfPresent("last_slot", as: Date.self).map { slot in
                ScheduleState.LastFiring(
                    slot: slot, firedAt: try row.decode("last_fired_at"),
                    taskID: try row.decodeIfPresent("last_task_id"),
                    taskState: try row.decodeIfPresent("last_state", as: String.self).flatMap(
                        TaskState.init(rawValue:)),
                    error: try row.decodeIfPresent("last_error"))
            }
            return ScheduleState(
                schedule: stored.schedule, declaredInCode: try row.decode("declared_in_code"),
                createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
                fireAfter: stored.fireAfter, lastFiring: last)
        }
    }

    /// Inserts a run-time schedule. - Returns: false when the name is taken.
    func insertSchedule(_ schedule: Schedule) async throws -> Bool {
        let columns = ScheduleColumns(schedule)
        return
            !(try await pool.query(
                """
                INSERT INTO warren.schedules (name, cron, every_seconds, zone, task, args, queue, priority, retry, expires,
                                              catch_up, catch_up_limit, paused)
                VALUES (\(schedule.name), \(columns.cron), \(columns.every), \(columns.zone), \(schedule.task),
                        \(schedule.args.jsonText)::jsonb, \(schedule.queue), \(schedule.priority), \(schedule.retry?.jsonText)::jsonb,
                        \(schedule.expires?.seconds)::float8 * interval '1 second', \(schedule.catchUp.name),
                        \(schedule.catchUp.limit), \(schedule.paused))
                ON CONFLICT (name) DO NOTHING
                RETURNING name
                """
            ).isEmpty)
    }

    /// Replaces a schedule's definition; a new trigger, or a schedule resumed, fires from now.
    /// - Returns: false when there is no such schedule.
    func updateSchedule(_ schedule: Schedule) async throws -> Bool {
        let columns = ScheduleColumns(schedule)
        return
            !(try await pool.query(
                """
                UPDATE warren.schedules s SET
                    cron = \(columns.cron), every_seconds = \(columns.every), zone = \(columns.zone), task = \(schedule.task),
                    args = \(schedule.args.jsonText)::jsonb, queue = \(schedule.queue), priority = \(schedule.priority),
                    retry = \(schedule.retry?.jsonText)::jsonb, expires = \(schedule.expires?.seconds)::float8 * interval '1 second',
                    catch_up = \(schedule.catchUp.name), catch_up_limit = \(schedule.catchUp.limit),
                    paused = \(schedule.paused), updated_at = now(),
                    fire_after = CASE
                        WHEN (s.cron, s.every_seconds, s.zone) IS DISTINCT FROM (\(columns.cron), \(columns.every), \(columns.zone))
                             OR (s.paused AND NOT \(schedule.paused))
                        THEN greatest(s.fire_after, now()) ELSE s.fire_after END
                WHERE name = \(schedule.name)
                RETURNING name
                """
            ).isEmpty)
    }
}

/// A trigger as `warren.schedules` stores it.
struct ScheduleColumns {
    var cron: String?
    var every: Int?
    var zone: String

    init(_ schedule: Schedule) {
        switch schedule.trigger {
        case .cron(let expression, let zone):
            (cron, every, self.zone) = (expression.description, nil, zone.identifier)
        case .every(let seconds):
            (cron, every, zone) = (nil, seconds, "UTC")
        }
    }
}
