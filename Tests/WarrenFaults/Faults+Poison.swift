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
    /// A task that kills its worker every time: after its allowed attempts it is dead-lettered
    /// as poison, and the tasks around it still run.
    func poison() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "poison")
        let queue = queue("poison")
        let workers = try await startWorkers(1, queue: queue, concurrency: 1)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 1, logger: logger)
        var ids: [UUID] = []
        var poison: [UUID] = []
        for _ in 0..<3 {
            poison.append(try await client.enqueue(TestTasks.Crash.self, .init(), queue: queue).id)
            ids += try await client.enqueue(
                TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: 5), count: 30), queue: queue
            ).map(\.id)
        }
        await client.shutdown()
        try await waitUntilFinished(ids + poison, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids + poison)
        let reasons = try await query(
            "SELECT count(*) AS n FROM warren.tasks WHERE id = ANY(\(poison)::uuid[]) AND state = 'FAILURE' AND error ->> 'reason' = 'poison'"
        )
        let dead: Int = try reasons.first!.decode("n")
        if dead != poison.count { row.problems.append("\(poison.count - dead) crashing tasks did not end as poison") }
        if row.succeeded != ids.count {
            row.problems.append("\(ids.count - row.succeeded) ordinary tasks did not succeed")
        }
        row.notes.append(
            "3 tasks that SIGKILL their worker: \(dead) dead-lettered as poison after \(workers[0].starts - 1) crashes")
        return row
    }
}
