public import Foundation
import WarrenCore

/// A submitted task of a known type, whose result can be awaited.
public struct TaskHandle<Task: TaskDefinition>: Sendable {
    /// The task's id.
    public let id: UUID
    let client: WarrenClient

    /// Waits for the task to finish and returns its result.
    /// - Throws: the recorded ``TaskError`` if it failed (type `Revoked` if it was revoked);
    ///   ``WarrenError`` `timeout` if it did not finish in time.
    public func result(timeout: Duration = .seconds(60)) async throws -> Task.Result {
        let record = try await client.waitForCompletion(of: id, timeout: timeout)
        if record.state == .success {
            return try (record.result ?? .null).decode(as: Task.Result.self)
        }
        if record.state == .revoked {
            throw TaskError.revoked
        }
        throw (try? record.error?.decode(as: TaskError.self))
            ?? TaskError(type: "Unknown", message: "the task failed without an error")
    }
}
