import WarrenCore

/// An attempt that ran without its start being written first: what the outcome needs to record
/// it, and to create the task's row from the message if there is none.
struct UnrecordedStart: Sendable {
    var envelope: TaskEnvelope
    var priority: Int
    /// Seconds since the worker took it up: its start is stored as the outcome's time less this,
    /// on the database's clock.
    var ranFor: Double
}
