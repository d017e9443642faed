import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// One task's row, or nil.
    func task(_ id: UUID) async throws -> TaskRecord? {
        let rows = try await pool.query("SELECT \(unsafeSQL: Self.recordColumns) FROM warren.tasks WHERE id = \(id)")
        return try rows.first.map(Self.record)
    }
}
