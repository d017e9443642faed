import Foundation
import WarrenPostgres

extension TaskStore {
    /// Writes progress reports, each only while its attempt is the task's (`attempts`), and
    /// announces the tasks written (``TaskChanges``). Returns the ids written, and those not
    /// written whose attempt's start is not written yet (the row's `attempts` is one less): worth
    /// writing again later. The others' attempts are over.
    func writeProgress(_ reports: [UUID: ProgressReports.Report]) async throws
        -> (written: Set<UUID>, waiting: Set<UUID>)
    {
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
                WHERE t.id = i.id AND t.attempts = i.attempt
                RETURNING t.id
            ), announced AS (
                \(unsafeSQL: TaskChanges.announcing("written"))
            )
            SELECT id, true AS written FROM written WHERE (SELECT count(*) FROM announced) >= 0
            UNION ALL
            SELECT i.id, false FROM input i JOIN warren.tasks t ON t.id = i.id WHERE t.attempts = i.attempt - 1
            """)
        var written: Set<UUID> = []
        var waiting: Set<UUID> = []
        for row in rows {
            let id: UUID = try row.decode("id")
            if try row.decode("written", as: Bool.self) { written.insert(id) } else { waiting.insert(id) }
        }
        return (written, waiting)
    }
}
