import Testing
import WarrenCore

@Suite struct RateLimitTests {
    @Test func theIntervalSpreadsThePeriodOverItsStarts() {
        #expect(RateLimit(100, per: .second).interval == .milliseconds(10))
        #expect(RateLimit(10, per: .minute).interval == .seconds(6))
        #expect(RateLimit(1_000, per: .hour).interval == .milliseconds(3_600))
    }

    @Test func itReadsInCeleryNotation() {
        #expect(RateLimit(100, per: .second).description == "100/s")
        #expect(RateLimit(10, per: .minute, burst: 5).description == "10/m")
    }
}
