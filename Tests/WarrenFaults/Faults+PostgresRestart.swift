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
    /// PostgreSQL restarted while tasks are submitted and consumed.
    func postgresRestart() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "postgres-restart")
        guard let data = environment["WARREN_PG_DATA"], let bin = environment["WARREN_PG_BIN"] else {
            row.notes.append("skipped: needs the local PostgreSQL of scripts/faults")
            return row
        }
        let queue = queue("postgres")
        let workers = try await startWorkers(2, queue: queue)
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: .milliseconds(150))
        try await Task.sleep(for: .seconds(1))
        let logFile = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("postgres.log").path
        await shell([
            "runuser", "-u", "postgres", "--", "\(bin)/pg_ctl", "-D", data, "-l", logFile, "-m", "fast", "-w",
            "restart",
        ])
        let (ids, refused, _) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        row.notes.append("database restarted: \(refused) submissions refused while it was down (never accepted)")
        return row
    }
}
