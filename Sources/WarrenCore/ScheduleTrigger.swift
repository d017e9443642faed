public import Foundation

/// When a schedule fires: its slots, the times it is due.
public enum ScheduleTrigger: Sendable, Equatable {
    /// A cron expression, read on the wall clock of a zone (see ``CronExpression``).
    case cron(CronExpression, zone: TimeZone)
    /// Every so many seconds, at the multiples of it since 1970-01-01 00:00:00 UTC: every beat
    /// computes the same slots, and daylight-saving changes do not move them.
    case every(seconds: Int)

    /// The longest interval: a year.
    public static let maximumInterval = 366 * 86_400

    /// Reads an interval: a number and a unit, `30s`, `5m`, `2h`, `1d`.
    /// - Throws: ``WarrenError`` `invalidArguments` naming the field `every`.
    public static func interval(_ text: String) throws -> ScheduleTrigger {
        let units = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[String($0)] }), let count = Int(text.dropLast()), count >= 1
        else {
            throw WarrenError(
                .invalidArguments,
                "every: \(text.prefix(40).debugDescription) is not an interval; write a whole number and s, m, h or d (30s, 5m)"
            )
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow, seconds <= maximumInterval else {
            throw WarrenError(.invalidArguments, "every: \(text) is longer than a year")
        }
        return .every(seconds: seconds)
    }

    /// The first slot after `date`, nil if there is none (a cron expression that matches no
    /// date within years).
    public func next(after date: Date) -> Date? {
        switch self {
        case .cron(let expression, let zone):
            return expression.next(after: date, in: zone)
        case .every(let seconds):
            let elapsed = Int64(date.timeIntervalSince1970.rounded(.down))
            let interval = Int64(seconds)
            let slot = (elapsed >= 0 ? elapsed / interval : (elapsed - interval + 1) / interval) + 1
            return Date(timeIntervalSince1970: Double(slot * interval))
        }
    }

    /// The next `count` slots after `date`.
    public func slots(after date: Date, count: Int) -> [Date] {
        var slots: [Date] = []
        var last = date
        while slots.count < count, let next = next(after: last) {
            slots.append(next)
            last = next
        }
        return slots
    }

    /// The slots to fire at `now`, oldest first, given the last slot fired (or, for a schedule
    /// that never fired, when it was made). A slot at most ``CatchUp/onTime`` late is always
    /// fired: a failover, a restart or a database outage delays it and does not drop it. Older
    /// slots were missed, and `catchUp` says which of them to fire.
    public func due(after last: Date, now: Date, catchUp: CatchUp) -> [Date] {
        let onTimeFrom = now.addingTimeInterval(-CatchUp.onTime)
        var onTime: [Date] = []
        var cursor = max(last, onTimeFrom.addingTimeInterval(-0.000_001))
        while let slot = next(after: cursor), slot <= now {
            onTime.append(slot)
            cursor = slot
        }
        let missed: [Date]
        switch catchUp {
        case .skip: missed = []
        case .once: missed = onTime.isEmpty ? newestSlots(after: last, before: onTimeFrom, count: 1) : []
        case .all: missed = newestSlots(after: last, before: onTimeFrom, count: catchUp.keeps)
        }
        return missed + onTime
    }

    /// The newest `count` slots after `last` and before `end`, oldest first, found by looking back
    /// from `end` over a window that doubles, so that a long outage costs no more than its newest
    /// slots.
    private func newestSlots(after last: Date, before end: Date, count: Int) -> [Date] {
        guard last < end else { return [] }
        var window: TimeInterval = 60
        while true {
            let start = max(last, end.addingTimeInterval(-window))
            var found: [Date] = []
            var cursor = start
            while let slot = next(after: cursor), slot < end {
                found.append(slot)
                if found.count > count { found.removeFirst() }
                cursor = slot
            }
            if found.count >= count || start == last { return found }
            window *= 2
        }
    }
}

/// What a beat fires of the slots that passed while no beat could fire them (all were down, or
/// the database was).
public enum CatchUp: Sendable, Equatable {
    /// The latest missed slot, once, unless a slot on time follows it (the default, as Celery's
    /// beat does).
    case once
    /// None.
    case skip
    /// Every missed slot, the newest `limit` of them.
    case all(limit: Int)

    /// How late a slot may be and still count as on time, fired whatever the policy.
    public static let onTime: TimeInterval = 60

    /// The most slots fired at once with `all`.
    public static let maximumLimit = 1_000

    /// How many of the newest missed slots it may fire.
    var keeps: Int {
        switch self {
        case .once: 1
        case .skip: 0
        case .all(let limit): max(1, min(limit, Self.maximumLimit))
        }
    }
}
