import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Writes `worker`'s progress reports, each only while its attempt is the task's running one
    /// (`attempts`, STARTED, by `worker`), and announces the tasks written (``TaskChanges``).
    /// Returns the ids of the reports not written whose attempt's start is not written yet (the
    /// row waits, with `attempts` one less): worth writing again later. The others' attempts are
    /// over, or another's.
    func writeProgress(_ reports: [UUID: ProgressReports.Report], worker: String) async throws -> Set<UUID> {
        let ids = Array(reports.keys)
        let attempts = ids.map { reports[$0]!.attempt }
        let fractions = ids.map { reports[$0]!.fraction }
        let messages = ids.map { reports[$0]!.message }
        let rows = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(attempts)::int[], \(fractions)::float8[], \(messages)::text[])
                    AS i(id, attempt, fraction, message)
            ), written AS (
                UPDATE warren.tasks t
                SET progress = i.fraction, progress_message = i.message, progress_at = now()
                FROM input i
                WHERE t.id = i.id AND t.attempts = i.attempt AND t.state = \(TaskState.started.rawValue)
                    AND t.worker = \(worker)
                RETURNING t.id
            ), announced AS (
                \(unsafeSQL: TaskChanges.announcing("written"))
            )
            SELECT i.id FROM input i JOIN warren.tasks t ON t.id = i.id
            WHERE t.attempts = i.attempt - 1 AND t.state = ANY(\(TaskState.waiting.map(\.rawValue))::text[])
                AND (SELECT count(*) FROM announced) >= 0
            """)
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }
}
