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
    /// that never fired, when it was made): those that came after it and by `now`, as `catchUp`
    /// says to fire what was missed.
    public func due(after last: Date, now: Date, catchUp: CatchUp) -> [Date] {
        // Only the newest slots can be fired; older ones are passed over, not kept.
        let keep = catchUp.keeps
        var missed: [Date] = []
        switch self {
        case .every(let seconds):
            guard let first = next(after: last), first <= now else { break }
            let interval = Double(seconds)
            let newest = (now.timeIntervalSince1970 / interval).rounded(.down) * interval
            let count = min(Int((newest - first.timeIntervalSince1970) / interval) + 1, keep)
            missed = (0..<count).map { Date(timeIntervalSince1970: newest - Double(count - 1 - $0) * interval) }
        case .cron:
            var cursor = last
            while let slot = next(after: cursor), slot <= now {
                missed.append(slot)
                if missed.count > keep { missed.removeFirst() }
                cursor = slot
            }
        }
        switch catchUp {
        case .once, .all:
            return missed
        case .skip:
            return missed.filter { now.timeIntervalSince($0) <= CatchUp.onTime }
        }
    }
}

/// What a beat fires of the slots that passed while no beat could fire them (all were down, or
/// the database was).
public enum CatchUp: Sendable, Equatable {
    /// The latest missed slot, once (the default, as Celery's beat does).
    case once
    /// None: only a slot that is on time, at most ``onTime`` seconds late.
    case skip
    /// Every missed slot, the newest `limit` of them.
    case all(limit: Int)

    /// How late a slot may be fired and still count as on time.
    public static let onTime: TimeInterval = 60

    /// The most slots fired at once with `all`.
    public static let maximumLimit = 1_000

    /// How many of the newest missed slots it may fire.
    var keeps: Int {
        switch self {
        case .once, .skip: 1
        case .all(let limit): max(1, min(limit, Self.maximumLimit))
        }
    }
}
