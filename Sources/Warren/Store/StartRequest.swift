import WarrenCore

/// A start to write: the task's message, and the fence it must pass.
struct StartRequest: Sendable {
    var envelope: TaskEnvelope
    var priority: Int
    var redelivered: Bool
    /// The attempts the row must show, or nil for any: a start written while its attempt is
    /// already running was numbered from a read of the row, which must still hold.
    var expectedAttempts: Int? = nil
}
