public import Foundation

/// A cron expression, and when it fires next in a time zone.
///
/// Five fields, `minute hour day-of-month month day-of-week`, or six with `second` first. Each
/// field is `*` or a comma-separated list of values, ranges (`1-5`) and steps (`*/15`, `0-30/10`,
/// `5/20`: from 5 to the end, every 20). Months and weekdays may be named (`JAN`–`DEC`,
/// `SUN`–`SAT`, in any case); a weekday is 0–7, 0 and 7 both Sunday. `L` as the day of the month
/// is its last day. When both the day of the month and the day of the week are restricted, a day
/// matching either fires, as in Vixie cron. `@hourly`, `@daily` (`@midnight`), `@weekly`,
/// `@monthly` and `@yearly` (`@annually`) stand for their usual expressions.
///
/// Times are wall-clock times in the zone: a time that a daylight-saving change skips fires once,
/// at the first valid time after the gap (02:30 on a spring-forward day fires at 03:00); a time
/// that a change repeats fires once, the first time it comes.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as given.
    public let description: String
    private let seconds: Field
    private let minutes: Field
    private let hours: Field
    private let days: Field
    private let months: Field
    private let weekdays: Field
    /// `L` was among the days of the month.
    private let lastDayOfMonth: Bool

    /// How far ahead ``next(after:in:)`` looks: far enough for any February 29.
    static let horizonYears = 9

    /// Parses `text`.
    /// - Throws: ``WarrenError`` `invalidArguments` naming each bad field and why, one per
    ///   `"; "`-separated part: `"minute: 61 is out of range 0–59"`.
    public init(_ text: String) throws {
        description = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded: String
        if trimmed.hasPrefix("@") {
            guard let macro = Self.macros[trimmed.lowercased()] else {
                throw WarrenError(
                    .invalidArguments,
                    "expression: unknown macro \(trimmed.prefix(40).debugDescription); use @hourly, @daily, @weekly, @monthly or @yearly"
                )
            }
            expanded = macro
        } else {
            expanded = trimmed
        }
        var parts = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 || parts.count == 6 else {
            throw WarrenError(
                .invalidArguments,
                "expression: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got \(parts.count)"
            )
        }
        if parts.count == 5 { parts.insert("0", at: 0) }
        var problems: [String] = []
        func parse(_ index: Int, _ spec: FieldSpec) -> Field {
            do {
                return try spec.parse(parts[index])
            } catch let problem as FieldProblem {
                problems.append("\(spec.name): \(problem.message)")
                return Field(allowed: 0, restricted: true)
            } catch {
                preconditionFailure("FieldSpec.parse throws FieldProblem only")
            }
        }
        seconds = parse(0, .second)
        minutes = parse(1, .minute)
        hours = parse(2, .hour)
        var dayText = parts[3]
        var last = false
        let dayItems = dayText.split(separator: ",", omittingEmptySubsequences: false)
        if dayItems.contains(where: { $0.uppercased() == "L" }) {
            last = true
            dayText = dayItems.filter { $0.uppercased() != "L" }.joined(separator: ",")
        }
        lastDayOfMonth = last
        days = last && dayText.isEmpty ? Field(allowed: 0, restricted: true) : parse(3, .dayOfMonth(dayText))
        months = parse(4, .month)
        weekdays = parse(5, .dayOfWeek)
        if !problems.isEmpty {
            throw WarrenError(.invalidArguments, problems.joined(separator: "; "))
        }
        if next(after: Date(timeIntervalSince1970: 0), in: TimeZone(identifier: "UTC")!) == nil {
            throw WarrenError(
                .invalidArguments,
                "expression: \(text.prefix(100).debugDescription) matches no date (such as 30 February)")
        }
    }

    /// The first time after `date` that the expression fires, as its wall clock in `zone` reads;
    /// nil if it fires on no date within ``horizonYears`` years.
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        let start = Int64(date.timeIntervalSince1970.rounded(.down))
        var time = CivilTime(epochSeconds: start + Int64(zone.secondsFromGMT(for: date))).adding(seconds: 1)
        let lastYear = time.year + Self.horizonYears
        while time.year <= lastYear {
            guard months.contains(time.month) else {
                if let month = months.first(from: time.month + 1, through: 12) {
                    time = CivilTime(year: time.year, month: month, day: 1)
                } else {
                    time = CivilTime(year: time.year + 1, month: months.first(from: 1, through: 12) ?? 1, day: 1)
                }
                continue
            }
            guard dayMatches(time) else {
                time = time.startOfNextDay()
                continue
            }
            guard hours.contains(time.hour) else {
                if let hour = hours.first(from: time.hour + 1, through: 23) {
                    time = CivilTime(year: time.year, month: time.month, day: time.day, hour: hour)
                } else {
                    time = time.startOfNextDay()
                }
                continue
            }
            guard minutes.contains(time.minute) else {
                if let minute = minutes.first(from: time.minute + 1, through: 59) {
                    time.minute = minute
                    time.second = 0
                } else {
                    time = time.adding(seconds: Int64(3_600 - time.minute * 60 - time.second))
                }
                continue
            }
            guard seconds.contains(time.second) else {
                if let second = seconds.first(from: time.second + 1, through: 59) {
                    time.second = second
                } else {
                    time = time.adding(seconds: Int64(60 - time.second))
                }
                continue
            }
            // A wall-clock time repeated by a fall-back fired the first time it came: `date` may
            // be in its second coming, after that.
            if let instant = Self.instant(of: time, in: zone), instant > start {
                return Date(timeIntervalSince1970: Double(instant))
            }
            time = time.adding(seconds: 1)
        }
        return nil
    }

    private func dayMatches(_ time: CivilTime) -> Bool {
        let inMonth = days.contains(time.day) || (lastDayOfMonth && time.day == time.daysInMonth)
        let inWeek = weekdays.contains(time.weekday)
        switch (days.restricted, weekdays.restricted) {
        case (true, true): return inMonth || inWeek
        case (true, false): return inMonth
        case (false, true): return inWeek
        case (false, false): return true
        }
    }

    /// The instant a wall-clock time names in `zone`: the earlier of two when a fall-back repeats
    /// it, and the end of the gap when a spring-forward skips it.
    static func instant(of time: CivilTime, in zone: TimeZone) -> Int64? {
        let local = time.epochSeconds
        let offsets = Set([-86_400, 86_400].map { Int64(zone.secondsFromGMT(for: Date(epoch: local + $0))) })
        let valid = offsets.map { local - $0 }.filter { Int64(zone.secondsFromGMT(for: Date(epoch: $0))) == local - $0 }
        if let earliest = valid.min() { return earliest }
        // A gap: between `local - largest offset` and `local - smallest`, the offset changes; the
        // first instant with the later offset is where the clock jumped to.
        guard let later = offsets.max(), let earlier = offsets.min(), later != earlier else { return nil }
        var low = local - later
        var high = local - earlier
        while low < high {
            let middle = low + (high - low) / 2
            if Int64(zone.secondsFromGMT(for: Date(epoch: middle))) == later { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// The values one field matches.
    private struct Field: Sendable, Equatable {
        /// Bit `n` is set when `n` matches.
        var allowed: UInt64
        /// Not `*`.
        var restricted: Bool

        func contains(_ value: Int) -> Bool { allowed & (1 << UInt64(value)) != 0 }

        /// The smallest matching value from `start` to `end`.
        func first(from start: Int, through end: Int) -> Int? {
            guard start <= end else { return nil }
            return (start...end).first(where: contains)
        }
    }

    private struct FieldProblem: Error {
        var message: String
    }

    /// A field's name and range, and how to read it.
    private struct FieldSpec {
        var name: String
        var range: ClosedRange<Int>
        var names: [String] = []
        /// The value `names[0]` stands for.
        var firstNamed = 0
        /// A field given apart from the expression's text (the days of the month, without `L`).
        var text: String?

        static let second = FieldSpec(name: "second", range: 0...59)
        static let minute = FieldSpec(name: "minute", range: 0...59)
        static let hour = FieldSpec(name: "hour", range: 0...23)
        static func dayOfMonth(_ text: String) -> FieldSpec {
            FieldSpec(name: "day-of-month", range: 1...31, text: text)
        }
        static let month = FieldSpec(
            name: "month", range: 1...12,
            names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], firstNamed: 1)
        static let dayOfWeek = FieldSpec(
            name: "day-of-week", range: 0...7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])

        func parse(_ given: String) throws -> Field {
            let text = self.text ?? given
            guard text != "*" else {
                return Field(allowed: range.reduce(0) { $0 | 1 << UInt64($1) }, restricted: false)
            }
            var allowed: UInt64 = 0
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard !item.isEmpty else { throw FieldProblem(message: "an empty item in \(text.debugDescription)") }
                let (span, stepText) =
                    item.firstIndex(of: "/").map { (item[..<$0], Optional(item[item.index(after: $0)...])) }
                    ?? (item, nil)
                var step = 1
                if let stepText {
                    guard let value = Int(stepText) else {
                        throw FieldProblem(message: "the step \(String(stepText).debugDescription) is not a number")
                    }
                    guard value >= 1 else { throw FieldProblem(message: "a step must be at least 1, not \(value)") }
                    step = value
                }
                var bounds: ClosedRange<Int>
                if span == "*" {
                    bounds = range
                } else if let dash = span.firstIndex(of: "-") {
                    let low = try value(span[..<dash])
                    let high = try value(span[span.index(after: dash)...])
                    guard low <= high else { throw FieldProblem(message: "the range \(span) runs backwards") }
                    bounds = low...high
                } else {
                    let start = try value(span)
                    bounds = start...(stepText == nil ? start : range.upperBound)
                }
                for value in stride(from: bounds.lowerBound, through: bounds.upperBound, by: step) {
                    allowed |= 1 << UInt64(name == "day-of-week" && value == 7 ? 0 : value)
                }
            }
            return Field(allowed: allowed, restricted: true)
        }

        private func value(_ text: Substring) throws -> Int {
            if let index = names.firstIndex(of: text.uppercased()) { return firstNamed + index }
            guard let value = Int(text) else {
                let kind = names.isEmpty ? "a number" : "a number or a name (\(names[0])–\(names[names.count - 1]))"
                throw FieldProblem(message: "\(String(text).debugDescription) is not \(kind)")
            }
            guard range.contains(value) else {
                throw FieldProblem(message: "\(value) is out of range \(range.lowerBound)–\(range.upperBound)")
            }
            return value
        }
    }
}

/// A wall-clock date and time, with no zone.
struct CivilTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (
            year, month, day, hour, minute, second
        )
    }

    /// The wall-clock time `epochSeconds` after 1970-01-01 00:00:00.
    init(epochSeconds: Int64) {
        let days = Int(epochSeconds.floorDivided(by: 86_400))
        let rest = Int(epochSeconds - Int64(days) * 86_400)
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
            day: dayOfYear - (153 * shiftedMonth + 2) / 5 + 1, hour: rest / 3_600, minute: rest % 3_600 / 60,
            second: rest % 60)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var epochDay: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// This wall-clock time as seconds since 1970-01-01 00:00:00 on the same wall clock.
    var epochSeconds: Int64 { Int64(epochDay) * 86_400 + Int64(hour * 3_600 + minute * 60 + second) }

    /// 0 for Sunday … 6 for Saturday.
    var weekday: Int { (epochDay % 7 + 11) % 7 }

    var daysInMonth: Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    func adding(seconds: Int64) -> CivilTime { CivilTime(epochSeconds: epochSeconds + seconds) }

    func startOfNextDay() -> CivilTime { CivilTime(epochSeconds: Int64(epochDay + 1) * 86_400) }
}

extension Date {
    fileprivate init(epoch seconds: Int64) { self.init(timeIntervalSince1970: Double(seconds)) }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
