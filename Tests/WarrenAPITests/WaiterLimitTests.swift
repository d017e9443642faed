import Testing

@testable import WarrenAPI

@Suite struct WaiterLimitTests {
    @Test func aWaiterBeyondTheLimitIsRefusedAndAPlaceIsFreeAgainOnceItsWaiterLeaves() async throws {
        let waiters = WaiterLimit(1)
        _ = try await waiters.withPlace {
            await #expect(throws: Problem.self) { try await waiters.withPlace { 1 } }
        }
        #expect(try await waiters.withPlace { "again" } == "again")
        await #expect(throws: CancellationError.self) { try await waiters.withPlace { throw CancellationError() } }
        #expect(try await waiters.withPlace { "after an error" } == "after an error")
        await #expect(throws: Problem.self) { try await WaiterLimit(0).withPlace { 1 } }
    }
}
