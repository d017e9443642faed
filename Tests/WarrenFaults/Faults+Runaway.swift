import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

extension Faults {
    /// A task that never stops, under a 1 s hard limit: it fails with time_limit, and its worker
    /// exits (status 70) to be restarted, while the other tasks finish.
    func runaway() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "runaway")
        let queue = queue("runaway")
        let workers = try await startWorkers(1, queue: queue, concurrency: 4, runawayGrace: 1)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 1, logger: logger)
        let spinning = try await client.enqueue(TestTasks.Stubborn.self, .init(seconds: 3_600), queue: queue).id
        let ids = try await client.enqueue(
            TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: 50), count: 100), queue: queue
        ).map(\.id)
        await client.shutdown()
        try await waitUntilFinished(ids + [spinning], timeout: .seconds(60))
        let deadline = ContinuousClock.now + .seconds(20)
        while !workers[0].exitStatuses.contains(70), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let exits = workers[0].exitStatuses
        for worker in workers { worker.stop() }
        try await ledger(&row, ids + [spinning])
        let reason = try await query(
            "SELECT error ->> 'reason' AS reason FROM warren.tasks WHERE id = \(spinning)"
        ).first?.decodeIfPresent("reason", as: String.self)
        if reason != "time_limit" { row.problems.append("the runaway task ended with reason \(reason ?? "none")") }
        if !exits.contains(70) { row.problems.append("the worker did not exit with status 70") }
        row.notes.append("runaway task failed with time_limit; worker exit statuses \(exits)")
        return row
    }
}
