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
    /// 500 tasks with countdowns spread over 1–60 s: each must start within 1.5 s of its due time.
    func countdown() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "countdown")
        let queue = queue("countdown")
        let workers = try await startWorkers(2, queue: queue)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        var ids: [UUID] = []
        for index in 0..<500 {
            let seconds = 1 + Double(index % 60) + Double(index % 7) / 7
            ids.append(
                try await client.enqueue(
                    TestTasks.Ledger.self, .init(milliseconds: 1), queue: queue,
                    countdown: .milliseconds(Int(seconds * 1000))
                ).id)
        }
        await client.shutdown()
        try await waitUntilFinished(ids, timeout: .seconds(90))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let lateness = try await query(
            """
            SELECT max(extract(epoch FROM e.at - t.eta))::float8 AS late, min(extract(epoch FROM e.at - t.eta))::float8 AS early
            FROM warren.tasks t JOIN warren.task_events e ON e.task_id = t.id AND e.state = 'STARTED'
            WHERE t.id = ANY(\(ids)::uuid[])
            """
        ).first!
        let late = try lateness.decodeIfPresent("late", as: Double.self) ?? .infinity
        let early = try lateness.decodeIfPresent("early", as: Double.self) ?? -.infinity
        if late > 1.5 { row.problems.append(String(format: "a task started %.2f s after its due time", late)) }
        if early < -0.05 { row.problems.append(String(format: "a task started %.2f s before its due time", -early)) }
        row.notes.append(String(format: "start minus due time: from %.3f s to %.3f s", early, late))
        return row
    }
}
