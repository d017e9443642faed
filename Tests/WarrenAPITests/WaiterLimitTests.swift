import Testing
@testable import WarrenAPI

@Suite struct WaiterLimitTests {
    @Test func aPlaceIsFreeAgainOnceItsWaiterLeaves() {
        let waiters = WaiterLimit(2)
        #expect(waiters.enter() && waiters.enter())
        #expect(!waiters.enter())
        waiters.leave()
        #expect(waiters.enter())
        #expect(!WaiterLimit(0).enter())
    }
}
