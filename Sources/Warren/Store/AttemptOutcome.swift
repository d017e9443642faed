import Foundation
import WarrenCore

/// The outcome of one attempt, to record: SUCCESS with a result, RETRY with the error and when the
/// next attempt is due, or FAILURE with the error and the dead letter it leaves.
struct AttemptOutcome: Sendable {
    var id: UUID
    var attempt: Int
    var state: TaskState
    var result: JSONValue?
    /// How long a SUCCESS's result is kept when its submission did not say: its task type's
    /// ``TaskOptions/resultTTL``.
    var resultTTL: Duration?
    var error: TaskError?
    /// When the next attempt is due (RETRY).
    var eta: Date?
    /// The dead letter it leaves (FAILURE), kept in `warren.dead_letters`.
    var deadLetter: KeptDeadLetter?
    /// The attempt's last progress report.
    var lastProgress: ProgressReports.Report?
    /// Set when the attempt's start was never written (it ended within the worker's
    /// `recordStartAfter`): the outcome then records the start too.
    var unrecordedStart: UnrecordedStart?
}

/// What `warren.dead_letters` keeps of a message sent to `<queue>.dead`.
struct KeptDeadLetter: Sendable {
    /// The message's `x-warren-dead-letter-key` header: what finds it in `<queue>.dead` again.
    var key: UUID
    /// The message's body as it was received.
    var body: [UInt8]
}
