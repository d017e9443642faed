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

/// An attempt's number, and where its retry policy's count of attempts begins.
struct AttemptNumber: Sendable, Equatable {
    /// The task's `attempts` once this attempt started: what fences its outcome. It only grows.
    var number: Int
    /// The attempts the task had when it was last replayed from a dead letter; 0 if never.
    var attemptsAtReplay: Int = 0

    /// The attempt as its retry policy counts it: a replay gives a task the policy's attempts again.
    var counted: Int { number - attemptsAtReplay }
}
