import Foundation
import WarrenCore

/// The outcome of one attempt, to record: SUCCESS with a result, RETRY with the error and when the
/// next attempt is due, or FAILURE with the error and the dead letter it leaves.
struct AttemptOutcome: Sendable {
    var id: UUID
    var attempt: Int
    var state: TaskState
    var result: JSONValue?
    var error: TaskError?
    /// When the next attempt is due (RETRY).
    var eta: Date?
    /// The message body kept in `warren.dead_letters` (FAILURE).
    var deadLetterBody: [UInt8]?
    /// Set when the attempt's start was never written (it ended within the worker's
    /// `recordStartAfter`): the outcome then records the start too.
    var unrecordedStart: UnrecordedStart?
}
