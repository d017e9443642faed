import Foundation
import Testing
import WarrenCore

@Suite struct ISO8601TimestampTests {
    /// Found by the envelope fuzzer: the formatter cut fractions short, so a time read back from a
    /// message was written a millisecond earlier, and an envelope did not encode to itself.
    @Test(arguments: [
        "2066-01-01T00:00:00.123Z", "2026-12-03T09:58:52.999Z", "1969-12-31T23:59:59.001Z", "2026-01-01T00:00:00.000Z",
    ])
    func aTimeReadIsWrittenBackTheSame(text: String) throws {
        let date = try #require(ISO8601Timestamp.parse(text))
        #expect(ISO8601Timestamp.format(date) == text)
    }

    @Test func readsTheNearestMillisecond() throws {
        let date = try #require(ISO8601Timestamp.parse("9365-01-01T00:00:00.01063Z"))
        #expect(ISO8601Timestamp.format(date) == "9365-01-01T00:00:00.011Z")
        #expect(ISO8601Timestamp.parse(ISO8601Timestamp.format(date)) == date)
    }

    @Test func writesTheNearestMillisecond() {
        #expect(ISO8601Timestamp.format(Date(timeIntervalSince1970: 1.9996)) == "1970-01-01T00:00:02.000Z")
        #expect(ISO8601Timestamp.format(Date(timeIntervalSince1970: 0.0004)) == "1970-01-01T00:00:00.000Z")
    }
}
