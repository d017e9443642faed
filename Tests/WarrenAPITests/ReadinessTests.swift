import Synchronization
import Testing

@testable import WarrenAPI

/// `/readyz` checks the servers at most once a second, however often it is asked.
@Suite struct ReadinessTests {
    @Test func requestsWithinASecondShareOneCheck() async throws {
        let checks = Atomic(0)
        let readiness = Readiness {
            checks.add(1, ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(50))
            return (broker: true, database: false)
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    let answer = await readiness.check()
                    #expect(answer.broker && !answer.database)
                }
            }
        }
        #expect(checks.load(ordering: .relaxed) == 1)
        try await Task.sleep(for: Readiness.interval + .milliseconds(100))
        _ = await readiness.check()
        #expect(checks.load(ordering: .relaxed) == 2)
    }
}
