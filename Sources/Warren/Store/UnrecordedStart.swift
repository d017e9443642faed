import WarrenCore

/// An attempt that ran without its start being written first: what the outcome needs to record
/// it, and to create the task's row from the message if there is none.
struct UnrecordedStart: Sendable {
    var envelope: TaskEnvelope
    var priority: Int
    /// When the worker took it up. The start is stored on the database's clock, as the outcome's
    /// time less the time from this to the moment the outcome's statement is sent, so that neither
    /// the batching of outcomes nor a connection being opened shifts it.
    var began: ContinuousClock.Instant
}
