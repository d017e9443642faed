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
    /// SIGKILL a worker again and again while 2,000 tasks run on two of them.
    func sigkill() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "sigkill")
        let queue = queue("sigkill")
        let workers = try await startWorkers(2, queue: queue)
        async let submitted = submitLedgerTasks(2_000, queue: queue, milliseconds: 20)
        for round in 0..<8 {
            try await Task.sleep(for: .milliseconds(700))
            workers[round % 2].kill()
        }
        let ids = try await submitted.accepted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        row.notes.append("8 workers killed with SIGKILL, \(workers.map(\.starts).reduce(0, +) - 2) restarts")
        return row
    }
}
