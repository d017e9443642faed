import Foundation
import Testing
import WarrenCore

/// Interval slots, and which missed slots each catch-up policy fires. Every case names its
/// times; no clock is read and nothing sleeps.
struct ScheduleTriggerTests {
    static func time(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }
    static func texts(_ dates: [Date]) -> [String] { dates.map(ISO8601Timestamp.format) }

    @Test func intervalsAreReadWithTheirUnit() throws {
        #expect(try ScheduleTrigger.interval("30s") == .every(seconds: 30))
        #expect(try ScheduleTrigger.interval("5m") == .every(seconds: 300))
        #expect(try ScheduleTrigger.interval("2h") == .every(seconds: 7_200))
        #expect(try ScheduleTrigger.interval("1d") == .every(seconds: 86_400))
        for bad in ["", "s", "0s", "-5m", "5", "5 m", "1.5h", "3w"] {
            #expect(throws: WarrenError.self, "\(bad)") { try ScheduleTrigger.interval(bad) }
        }
        #expect(
            throws: WarrenError(
                .invalidArguments, "every: \"3w\" is not an interval; write a whole number and s, m, h or d (30s, 5m)")
        ) { try ScheduleTrigger.interval("3w") }
        #expect(throws: WarrenError(.invalidArguments, "every: 400d is longer than a year")) {
            try ScheduleTrigger.interval("400d")
        }
    }

    /// Interval slots are multiples of the interval since 1970, whatever the start: two beats
    /// compute the same ones.
    @Test func intervalSlotsAreAlignedToTheEpoch() {
        let every = ScheduleTrigger.every(seconds: 300)
        #expect(
            Self.texts(every.slots(after: Self.time("2026-12-07T10:07:31.250Z"), count: 3)) == [
                "2026-12-07T10:10:00.000Z", "2026-12-07T10:15:00.000Z", "2026-12-07T10:20:00.000Z",
            ])
        #expect(
            Self.texts(every.slots(after: Self.time("2026-12-07T10:10:00Z"), count: 1)) == ["2026-12-07T10:15:00.000Z"])
    }

    /// An interval keeps its real spacing through a fall-back: every hour is every 3,600 s,
    /// though the wall clock in Madrid reads 02:00 twice.
    @Test func anIntervalKeepsItsSpacingAcrossDaylightSaving() {
        let slots = ScheduleTrigger.every(seconds: 3_600).slots(after: Self.time("2026-10-24T23:30:00Z"), count: 4)
        #expect(
            Self.texts(slots) == [
                "2026-10-25T00:00:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T02:00:00.000Z",
                "2026-10-25T03:00:00.000Z",
            ])
    }

    @Test func nothingIsDueBeforeTheNextSlot() {
        let every = ScheduleTrigger.every(seconds: 60)
        #expect(
            every.due(after: Self.time("2026-12-07T10:00:00Z"), now: Self.time("2026-12-07T10:00:59Z"), catchUp: .once)
                .isEmpty)
        #expect(
            Self.texts(
                every.due(
                    after: Self.time("2026-12-07T10:00:00Z"), now: Self.time("2026-12-07T10:01:00Z"), catchUp: .once))
                == ["2026-12-07T10:01:00.000Z"])
    }

    /// Down from 10:00:30 to 10:05:30, an every-minute schedule missed 10:01 … 10:05.
    @Test(arguments: [
        (CatchUp.once, ["2026-12-07T10:05:00.000Z"]),
        (CatchUp.skip, ["2026-12-07T10:05:00.000Z"]),
        (
            CatchUp.all(limit: 10),
            [
                "2026-12-07T10:01:00.000Z", "2026-12-07T10:02:00.000Z", "2026-12-07T10:03:00.000Z",
                "2026-12-07T10:04:00.000Z", "2026-12-07T10:05:00.000Z",
            ]
        ),
        // The limit is of the missed slots; 10:05 is on time.
        (
            CatchUp.all(limit: 2),
            ["2026-12-07T10:03:00.000Z", "2026-12-07T10:04:00.000Z", "2026-12-07T10:05:00.000Z"]
        ),
    ])
    func eachCatchUpPolicyFiresWhatItSays(catchUp: CatchUp, expected: [String]) {
        for trigger in [ScheduleTrigger.every(seconds: 60), .cron(try! CronExpression("* * * * *"), zone: .gmt)] {
            let due = trigger.due(
                after: Self.time("2026-12-07T10:00:00Z"), now: Self.time("2026-12-07T10:05:30Z"), catchUp: catchUp)
            #expect(Self.texts(due) == expected, "\(trigger)")
        }
    }

    /// `skip` fires a slot up to a minute late (a failover, a slow tick), and none later.
    @Test func skipFiresNothingThatIsLate() {
        let hourly = ScheduleTrigger.cron(try! CronExpression("@hourly"), zone: .gmt)
        let last = Self.time("2026-12-07T08:00:00Z")
        #expect(
            Self.texts(hourly.due(after: last, now: Self.time("2026-12-07T09:00:45Z"), catchUp: .skip)) == [
                "2026-12-07T09:00:00.000Z"
            ])
        #expect(hourly.due(after: last, now: Self.time("2026-12-07T09:01:01Z"), catchUp: .skip).isEmpty)
        #expect(
            Self.texts(hourly.due(after: last, now: Self.time("2026-12-07T09:01:01Z"), catchUp: .once)) == [
                "2026-12-07T09:00:00.000Z"
            ])
    }

    /// A long outage costs `all` no more than its limit, beside the 61 slots still on time; the
    /// newest missed slots are found without counting the outage slot by slot.
    @Test func aLongOutageFiresAtMostTheLimit() {
        for everySecond in [ScheduleTrigger.every(seconds: 1), .cron(try! CronExpression("* * * * * *"), zone: .gmt)] {
            let due = everySecond.due(
                after: Self.time("2026-01-01T00:00:00Z"), now: Self.time("2026-12-07T00:00:00Z"),
                catchUp: .all(limit: 3))
            #expect(due.count == 64, "\(everySecond)")
            #expect(
                Self.texts(Array(due.prefix(4))) == [
                    "2026-12-06T23:58:57.000Z", "2026-12-06T23:58:58.000Z", "2026-12-06T23:58:59.000Z",
                    "2026-12-06T23:59:00.000Z",
                ], "\(everySecond)")
            #expect(Self.texts([due.last!]) == ["2026-12-07T00:00:00.000Z"])
        }
    }

    /// Slots that a failover or a slow tick delayed by less than ``CatchUp/onTime`` are all
    /// fired, whatever the policy: a beat that fires every second and was down five seconds
    /// fires the five.
    @Test(arguments: [CatchUp.once, .skip, .all(limit: 1)])
    func slotsDelayedByAFailoverAreAllFired(catchUp: CatchUp) {
        let due = ScheduleTrigger.every(seconds: 1).due(
            after: Self.time("2026-12-07T10:00:00Z"), now: Self.time("2026-12-07T10:00:05.5Z"), catchUp: catchUp)
        #expect(
            Self.texts(due) == [
                "2026-12-07T10:00:01.000Z", "2026-12-07T10:00:02.000Z", "2026-12-07T10:00:03.000Z",
                "2026-12-07T10:00:04.000Z", "2026-12-07T10:00:05.000Z",
            ])
    }
}
