import Foundation
public import WarrenCore

extension Schedule {
    /// The fields of a schedule as `POST /v1/schedules` takes it.
    static let fields: Set<String> = [
        "name", "cron", "zone", "every", "task", "args", "queue", "priority", "retry", "expires", "catch_up",
        "catch_up_limit", "paused",
    ]

    /// Reads a schedule as `POST /v1/schedules` takes it: `{"name", "cron" and "zone"?, or "every",
    /// "task", "args"?, "queue"?, "priority"?, "retry"?, "expires"?, "catch_up"?, "catch_up_limit"?,
    /// "paused"?}`.
    /// - Throws: ``WarrenError`` `invalidArguments`, naming each field that is wrong:
    ///   `"$.cron: minute: 61 is out of range 0–59"`.
    public init(document: JSONValue) throws {
        guard case .object(let fields) = document else {
            throw WarrenError(.invalidArguments, "$: the body must be a JSON object")
        }
        var problems: [String] = []
        if document.containsNUL { problems.append("$: holds U+0000, which PostgreSQL cannot store") }
        for name in fields.keys.sorted() where !Self.fields.contains(name) {
            problems.append("$.\(name): is not a known field")
        }
        func present(_ name: String) -> JSONValue? {
            guard let value = fields[name], value != .null else { return nil }
            return value
        }
        func string(_ name: String, required: Bool = false) -> String? {
            guard let value = present(name) else {
                if required { problems.append("$.\(name): is required and must be a string") }
                return nil
            }
            guard let text = value.stringValue else {
                problems.append("$.\(name): must be a string")
                return nil
            }
            return text
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = present(name) else { return nil }
            guard case .number(let number) = value, let integer = number.integer(in: range) else {
                problems.append("$.\(name): must be an integer from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return integer
        }
        /// Runs `read`, recording what it throws as a problem of field `name`.
        func checked<T>(_ name: String, _ read: () throws -> T) -> T? {
            do {
                return try read()
            } catch let error as WarrenError {
                let message =
                    error.message.hasPrefix("\(name): ")
                    ? String(error.message.dropFirst(name.count + 2)) : error.message
                problems.append("$.\(name): \(message)")
            } catch {
                problems.append("$.\(name): \(error)")
            }
            return nil
        }
        let name = string("name", required: true)
        let task = string("task", required: true)
        let cron = string("cron")
        let every = string("every")
        let zoneName = string("zone")
        var trigger: ScheduleTrigger?
        switch (cron, every) {
        case (let cron?, nil):
            let zone = checked("zone") { try Schedule.zone(zoneName ?? "UTC") }
            if let expression = checked("cron", { try CronExpression(cron) }), let zone {
                trigger = .cron(expression, zone: zone)
            }
        case (nil, let every?):
            if zoneName != nil { problems.append("$.zone: applies to cron only; an interval keeps real time") }
            trigger = checked("every") { try ScheduleTrigger.interval(every) }
        case (nil, nil):
            if fields["cron"] == nil, fields["every"] == nil {
                problems.append("$.cron: one of cron and every is required")
            }
        default:
            problems.append("$.every: give cron or every, not both")
        }
        let args = present("args") ?? .object([:])
        if case .object = args {} else { problems.append("$.args: must be a JSON object") }
        let queue = string("queue")
        if let queue {
            _ = checked("queue") { try Names.validate(queue: queue) }
        }
        let priority = integer("priority", 0...9)
        let retry = present("retry")
        if let retry {
            if case .object = retry {} else { problems.append("$.retry: must be a JSON object") }
        }
        var expires: Duration?
        if let value = present("expires") {
            if case .number(let number) = value, number.doubleValue > 0, number.doubleValue <= 31_622_400 {
                expires = .milliseconds(Int64((number.doubleValue * 1000).rounded(.up)))
            } else {
                problems.append("$.expires: must be a number of seconds above 0, at most a year (31622400)")
            }
        }
        let catchUpLimit = integer("catch_up_limit", 1...CatchUp.maximumLimit)
        let catchUp = checked("catch_up") {
            try CatchUp(name: string("catch_up") ?? "once", limit: catchUpLimit)
        }
        var paused = false
        if let value = present("paused") {
            if case .bool(let flag) = value {
                paused = flag
            } else {
                problems.append("$.paused: must be true or false")
            }
        }
        if let name { _ = checked("name") { try Schedule.validate(name: name) } }
        guard problems.isEmpty, let name, let task, let trigger, let catchUp else {
            throw WarrenError(.invalidArguments, problems.joined(separator: "; "))
        }
        try self.init(
            name: name, trigger: trigger, task: task, args: args, queue: queue, priority: priority, retry: retry,
            expires: expires, catchUp: catchUp, paused: paused)
    }

    /// The schedule as ``init(document:)`` reads it.
    var input: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "name": .string(name), "task": .string(task), "args": args, "catch_up": .string(catchUp.name),
            "paused": .bool(paused),
        ]
        switch trigger {
        case .cron(let expression, let zone):
            fields["cron"] = .string(expression.description)
            fields["zone"] = .string(zone.identifier)
        case .every(let seconds):
            fields["every"] = .string("\(seconds)s")
        }
        if let queue { fields["queue"] = .string(queue) }
        if let priority { fields["priority"] = JSONValue(priority) }
        if let retry { fields["retry"] = retry }
        if let expires { fields["expires"] = JSONValue(expires.seconds) }
        if let limit = catchUp.limit { fields["catch_up_limit"] = JSONValue(limit) }
        return fields
    }

    /// This schedule with the fields of `patch` (`PATCH /v1/schedules/{name}`): a field given
    /// replaces this one's, `null` clears it; `cron` replaces `every` and the other way round.
    /// - Throws: ``WarrenError`` `invalidArguments`, naming each field that is wrong.
    public func patched(_ patch: JSONValue) throws -> Schedule {
        guard case .object(let changes) = patch else {
            throw WarrenError(.invalidArguments, "$: the body must be a JSON object")
        }
        if let renamed = changes["name"], renamed != .string(name) {
            throw WarrenError(.invalidArguments, "$.name: a schedule cannot be renamed; add one with the new name")
        }
        var fields = input
        if changes["cron"] != nil { fields["every"] = nil }
        if changes["every"] != nil {
            fields["cron"] = nil
            fields["zone"] = nil
        }
        if let catchUp = changes["catch_up"], catchUp != .string("all") { fields["catch_up_limit"] = nil }
        for (key, value) in changes { fields[key] = value }
        return try Schedule(document: .object(fields))
    }
}
