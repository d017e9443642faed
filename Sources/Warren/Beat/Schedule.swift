public import Foundation
public import WarrenCore

/// A periodic schedule: when it fires, and the task each firing submits. `warren beat` fires the
/// schedules in `warren.schedules`; an application declares its own in code and gives them to its
/// ``Beat``, which syncs them there when it starts.
public struct Schedule: Sendable, Equatable {
    /// Unique; letters, digits and `._:-`, at most 200 characters.
    public var name: String
    public var trigger: ScheduleTrigger
    /// The task's registered name.
    public var task: String
    public var args: JSONValue
    /// The queue, when not the task type's default.
    public var queue: String?
    /// 0–9, when not the task type's default.
    public var priority: Int?
    /// Retry policy fields overriding the task type's, as `POST /v1/tasks` takes them.
    public var retry: JSONValue?
    /// A fired task not started this long after its slot is revoked.
    public var expires: Duration?
    public var catchUp: CatchUp
    public var paused: Bool

    /// - Throws: ``WarrenError`` `invalidArguments` naming the bad field.
    public init(
        name: String, trigger: ScheduleTrigger, task: String, args: JSONValue = .object([:]), queue: String? = nil,
        priority: Int? = nil, retry: JSONValue? = nil, expires: Duration? = nil, catchUp: CatchUp = .once,
        paused: Bool = false
    ) throws {
        try Self.validate(name: name)
        if let expires, expires <= .zero {
            throw WarrenError(.invalidArguments, "expires: a schedule's expiry is longer than 0 seconds")
        }
        self.name = name
        self.trigger = trigger
        self.task = task
        self.args = args
        self.queue = queue
        self.priority = priority
        self.retry = retry
        self.expires = expires
        self.catchUp = catchUp
        self.paused = paused
    }

    /// A schedule declared in code that fires `Task` on the wall clock of `zone`:
    /// `Schedule.cron("0 0 * * *", zone: "Europe/Madrid", name: "nightly-report", task: GenerateReport.self, arguments: …)`.
    /// - Throws: ``WarrenError`` `invalidArguments` naming the bad field.
    public static func cron<Task: TaskDefinition>(
        _ expression: String, zone: String = "UTC", name: String, task: Task.Type, arguments: Task.Arguments,
        queue: String? = nil, priority: Int? = nil, expires: Duration? = nil, catchUp: CatchUp = .once
    ) throws -> Schedule {
        try Schedule(
            name: name, trigger: .cron(try CronExpression(expression), zone: try Self.zone(zone)), task: Task.name,
            args: try JSONValue(encoding: arguments), queue: queue, priority: priority, expires: expires,
            catchUp: catchUp)
    }

    /// A schedule declared in code that fires `Task` every `interval` (`30s`, `5m`, `2h`, `1d`).
    /// - Throws: ``WarrenError`` `invalidArguments` naming the bad field.
    public static func every<Task: TaskDefinition>(
        _ interval: String, name: String, task: Task.Type, arguments: Task.Arguments, queue: String? = nil,
        priority: Int? = nil, expires: Duration? = nil, catchUp: CatchUp = .once
    ) throws -> Schedule {
        try Schedule(
            name: name, trigger: try .interval(interval), task: Task.name, args: try JSONValue(encoding: arguments),
            queue: queue, priority: priority, expires: expires, catchUp: catchUp)
    }

    /// The IANA time zone named `identifier`.
    /// - Throws: ``WarrenError`` `invalidArguments` naming the field `zone`.
    public static func zone(_ identifier: String) throws -> TimeZone {
        guard TimeZone.knownTimeZoneIdentifiers.contains(identifier) || identifier == "UTC",
            let zone = TimeZone(identifier: identifier)
        else {
            throw WarrenError(
                .invalidArguments,
                "zone: \(identifier.prefix(60).debugDescription) is not an IANA time zone (Europe/Madrid, UTC)")
        }
        return zone
    }

    /// - Throws: ``WarrenError`` `invalidArguments` naming the field `name`.
    public static func validate(name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-".utf8)
        guard !name.isEmpty, name.utf8.count <= 200, name.utf8.allSatisfy(allowed.contains) else {
            throw WarrenError(
                .invalidArguments,
                "name: \(name.prefix(60).debugDescription) is not a schedule name; use 1 to 200 letters, digits and . _ : -"
            )
        }
    }

    /// The task name of the schedules a beat runs itself instead of submitting a task: a pass of
    /// history retention (``HistoryRetention``, by `WARREN_RETAIN_*`).
    public static let retentionTask = "warren.retention"

    /// The built-in schedule of history retention, every minute, which every beat declares: pause
    /// it, or give it another trigger, at run time like any other.
    public static let retention = try! Schedule(
        name: "warren.retention", trigger: .every(seconds: 60), task: retentionTask, catchUp: .skip)

    /// Whether the beat runs it itself (``retentionTask``) rather than submitting its task.
    var runsInBeat: Bool { task == Self.retentionTask }

    /// The submission each firing makes.
    var submission: Submission {
        Submission(task: task, args: args, queue: queue, priority: priority, retry: retry)
    }

    /// What identifies a declaration in code: when it changes, it replaces the stored schedule,
    /// run-time changes included.
    var digest: String { KeyDigest(of: JSONValue.object(input).jsonText).hex }
}

extension CatchUp {
    /// As `warren.schedules.catch_up` stores it.
    public var name: String {
        switch self {
        case .once: "once"
        case .skip: "skip"
        case .all: "all"
        }
    }

    public var limit: Int? {
        if case .all(let limit) = self { return limit }
        return nil
    }

    /// - Throws: ``WarrenError`` `invalidArguments` naming the field `catch_up`.
    public init(name: String, limit: Int?) throws {
        switch name {
        case "once": self = .once
        case "skip": self = .skip
        case "all":
            guard let limit, (1...CatchUp.maximumLimit).contains(limit) else {
                throw WarrenError(
                    .invalidArguments, "catch_up_limit: 'all' needs a limit from 1 to \(CatchUp.maximumLimit)")
            }
            self = .all(limit: limit)
        default:
            throw WarrenError(
                .invalidArguments, "catch_up: \(name.prefix(40).debugDescription) is not once, skip or all")
        }
    }
}
