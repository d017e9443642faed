import Foundation
import Testing
import WarrenCore

/// Cron parsing, and next fire times across daylight-saving changes, against tables of cases
/// worked out by hand. No clock is read: every case names the time it starts after.
struct CronExpressionTests {
    static func time(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }

    /// The next fire times after a start, in UTC.
    static func fires(_ expression: String, in zone: String, after start: String, count: Int) throws -> [String] {
        let cron = try CronExpression(expression)
        let zone = try #require(TimeZone(identifier: zone))
        var times: [String] = []
        var last = time(start)
        for _ in 0..<count {
            guard let next = cron.next(after: last, in: zone) else { break }
            times.append(ISO8601Timestamp.format(next))
            last = next
        }
        return times
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var zone: String
        var after: String
        var expected: [String]
        var testDescription: String { "\(expression) in \(zone) after \(after)" }
    }

    @Test(arguments: [
        // Every 15 minutes, in UTC, from a time between two slots and from one exactly on a slot.
        Case(
            expression: "*/15 * * * *", zone: "UTC", after: "2026-12-07T10:07:30Z",
            expected: ["2026-12-07T10:15:00.000Z", "2026-12-07T10:30:00.000Z", "2026-12-07T10:45:00.000Z"]),
        Case(
            expression: "*/15 * * * *", zone: "UTC", after: "2026-12-07T10:15:00Z",
            expected: ["2026-12-07T10:30:00.000Z"]),
        // Six fields: seconds first.
        Case(
            expression: "*/20 * * * * *", zone: "UTC", after: "2026-12-07T10:00:50Z",
            expected: ["2026-12-07T10:01:00.000Z", "2026-12-07T10:01:20.000Z", "2026-12-07T10:01:40.000Z"]),
        // Lists, ranges and names: weekdays at 09:00 and 17:30 ... 2026-12-07 is a Monday.
        Case(
            expression: "0,30 9,17 * * MON-FRI", zone: "UTC", after: "2026-12-11T17:00:00Z",
            expected: ["2026-12-11T17:30:00.000Z", "2026-12-14T09:00:00.000Z"]),
        // The last day of the month, through a leap February.
        Case(
            expression: "0 12 L * *", zone: "UTC", after: "2028-01-31T13:00:00Z",
            expected: ["2028-02-29T12:00:00.000Z", "2028-03-31T12:00:00.000Z", "2028-04-30T12:00:00.000Z"]),
        // Day of month and day of week both restricted: either matches (the 13th, and Fridays).
        Case(
            expression: "0 0 13 * FRI", zone: "UTC", after: "2026-11-10T00:00:00Z",
            expected: ["2026-11-13T00:00:00.000Z", "2026-11-20T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]),
        // 7 is Sunday too, and month names.
        Case(
            expression: "0 8 * DEC 7", zone: "UTC", after: "2026-12-07T00:00:00Z",
            expected: ["2026-12-13T08:00:00.000Z", "2026-12-20T08:00:00.000Z"]),
        Case(
            expression: "@yearly", zone: "UTC", after: "2026-12-07T00:00:00Z",
            expected: ["2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"]),
        // 29 February comes every four years.
        Case(
            expression: "0 0 29 2 *", zone: "UTC", after: "2026-12-07T00:00:00Z",
            expected: ["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"]),
        // A zone without daylight saving: Tokyo is UTC+9 all year.
        Case(
            expression: "0 9 * * *", zone: "Asia/Tokyo", after: "2026-03-28T12:00:00Z",
            expected: ["2026-03-29T00:00:00.000Z", "2026-03-30T00:00:00.000Z"]),
        // Madrid springs forward on 29 March 2026 at 02:00 CET (01:00 UTC) to 03:00 CEST: 02:30
        // does not exist that day, and fires once at 03:00 CEST, the first valid time after the gap.
        Case(
            expression: "30 2 * * *", zone: "Europe/Madrid", after: "2026-03-28T12:00:00Z",
            expected: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]),
        // Every 15 minutes of that hour: all four fall in the gap, and fire once.
        Case(
            expression: "*/15 2 * * *", zone: "Europe/Madrid", after: "2026-03-28T12:00:00Z",
            expected: ["2026-03-29T01:00:00.000Z", "2026-03-30T00:00:00.000Z", "2026-03-30T00:15:00.000Z"]),
        // Madrid falls back on 25 October 2026 at 03:00 CEST (01:00 UTC) to 02:00 CET: 02:30 comes
        // twice that day and fires once, the first time (00:30 UTC), not at 01:30 UTC.
        Case(
            expression: "30 2 * * *", zone: "Europe/Madrid", after: "2026-10-24T12:00:00Z",
            expected: ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]),
        // Started during the repeated hour (02:10 CET, after 02:30 CEST has fired): the next is
        // the next day's.
        Case(
            expression: "30 2 * * *", zone: "Europe/Madrid", after: "2026-10-25T01:10:00Z",
            expected: ["2026-10-26T01:30:00.000Z"]),
        // Every hour on the hour through the fall-back: 02:00 comes once, 03:00 an hour after the
        // clocks went back.
        Case(
            expression: "0 * * * *", zone: "Europe/Madrid", after: "2026-10-24T23:30:00Z",
            expected: ["2026-10-25T00:00:00.000Z", "2026-10-25T02:00:00.000Z", "2026-10-25T03:00:00.000Z"]),
        // New York springs forward on 8 March 2026 at 02:00 EST (07:00 UTC) to 03:00 EDT.
        Case(
            expression: "30 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00Z",
            expected: ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]),
        // New York falls back on 1 November 2026 at 02:00 EDT (06:00 UTC) to 01:00 EST: 01:30
        // fires at 05:30 UTC only.
        Case(
            expression: "30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00Z",
            expected: ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]),
        // Midnight every day keeps its wall clock across both changes.
        Case(
            expression: "@daily", zone: "America/New_York", after: "2026-03-07T12:00:00Z",
            expected: ["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]),
    ])
    func nextFireTimes(_ example: Case) throws {
        #expect(
            try Self.fires(example.expression, in: example.zone, after: example.after, count: example.expected.count)
                == example.expected)
    }

    @Test(arguments: [
        ("61 * * * *", "minute: 61 is out of range 0–59"),
        ("* 24 * * *", "hour: 24 is out of range 0–23"),
        ("* * 0 * *", "day-of-month: 0 is out of range 1–31"),
        ("* * * 13 *", "month: 13 is out of range 1–12"),
        ("* * * * 8", "day-of-week: 8 is out of range 0–7"),
        ("* * * FOO *", "month: \"FOO\" is not a number or a name (JAN–DEC)"),
        ("*/0 * * * *", "minute: a step must be at least 1, not 0"),
        ("5-2 * * * *", "minute: the range 5-2 runs backwards"),
        ("1,,2 * * * *", "minute: an empty item in \"1,,2\""),
        (
            "* * * *",
            "expression: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 4"
        ),
        (
            "@fortnightly",
            "expression: unknown macro \"@fortnightly\"; use @hourly, @daily, @weekly, @monthly or @yearly"
        ),
        ("0 0 30 2 *", "expression: \"0 0 30 2 *\" matches no date (such as 30 February)"),
        ("61 25 * * *", "minute: 61 is out of range 0–59; hour: 25 is out of range 0–23"),
    ])
    func anInvalidExpressionIsRefusedNamingTheFieldAndWhy(expression: String, message: String) {
        #expect(throws: WarrenError(.invalidArguments, message)) { try CronExpression(expression) }
    }

    @Test func expressionsThatMeanTheSameFireTheSame() throws {
        let start = Self.time("2026-12-07T10:07:00Z")
        let utc = TimeZone(identifier: "UTC")!
        for (a, b) in [("@hourly", "0 * * * *"), ("0 0 * * 0", "0 0 * * sun"), ("0 0 1 jan *", "@annually")] {
            #expect(try CronExpression(a).next(after: start, in: utc) == CronExpression(b).next(after: start, in: utc))
        }
    }
}
