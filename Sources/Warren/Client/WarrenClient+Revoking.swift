public import Foundation
import WarrenCore

extension WarrenClient {
    /// Revokes a task: one that is waiting (PENDING, SCHEDULED, QUEUED, RETRY) is never started;
    /// with `terminate`, one that is running is cancelled too (its worker cancels its `Task` within
    /// about a second, and records nothing). Revoking a revoked task again is harmless.
    /// - Returns: the task's row, now REVOKED.
    /// - Throws: ``WarrenError`` `notFound` for an unknown id; `conflict` for a task that has
    ///   finished, or is running and `terminate` is false.
    public func revoke(_ id: UUID, terminate: Bool = false) async throws -> TaskRecord {
        try await reportingServers {
            guard let state = try await store.revoke(id, terminate: terminate) else {
                throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())")
            }
            switch state {
            case .revoked:
                break
            case .started:
                throw WarrenError(.conflict, "the task is running; revoke it with terminate to cancel it")
            default:
                throw WarrenError(.conflict, "the task has finished (\(state.rawValue)); there is nothing to revoke")
            }
            guard let record = try await store.task(id) else {
                throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())")
            }
            return record
        }
    }
}
