public import Foundation
public import WarrenCore

/// What a replay or a purge did with one dead letter.
public struct DeadLetterResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// Sent back to its queue: its task runs again, with its retry policy's attempts.
        case replayed
        /// Discarded: its task stays FAILURE.
        case purged
        /// Replayed before: nothing was done.
        case alreadyReplayed = "already_replayed"
        /// Purged before: nothing was done.
        case alreadyPurged = "already_purged"
        /// Its task succeeded: there is nothing to replay.
        case taskSucceeded = "task_succeeded"
        /// Its task is not FAILURE (a message that could not be read named a task that goes on):
        /// there is nothing to replay.
        case taskNotFailed = "task_not_failed"
        /// Its message could not be read, so it holds no task to run; it can be purged.
        case unreadable
        /// No dead letter has the id.
        case notFound = "not_found"
    }

    /// The dead letter's id (`warren.dead_letters.id`).
    public var id: Int
    /// The queue its message came from; nil when no dead letter has the id.
    public var queue: String?
    /// The task its message carried; nil when it had no readable id.
    public var taskID: UUID?
    public var outcome: Outcome
    /// The task's state now, when it has a row.
    public var state: TaskState?
    /// The outcome as a sentence.
    public var detail: String

    /// The result as the REST API shows it: `id, queue, task_id, outcome, state, detail`.
    public var document: JSONValue {
        [
            "id": JSONValue(id), "queue": queue.map(JSONValue.string) ?? .null,
            "task_id": taskID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "outcome": .string(outcome.rawValue), "state": state.map { .string($0.rawValue) } ?? .null,
            "detail": .string(detail),
        ]
    }
}

/// What a replay or a purge did: a result for each dead letter it met, and the messages it
/// removed from the dead-letter queues.
public struct DeadLetterReport: Sendable {
    public var results: [DeadLetterResult] = []
    /// For each dead-letter queue it went through, the messages it removed.
    public var removedMessages: [(deadLetterQueue: String, count: Int)] = []

    public init() {}

    /// How many dead letters had each outcome.
    public var counts: [DeadLetterResult.Outcome: Int] {
        results.reduce(into: [:]) { $0[$1.outcome, default: 0] += 1 }
    }

    /// The report as the REST API shows it: `{"counts": {outcome: n}, "results": [result, …],
    /// "removed_messages": [{"dead_letter_queue", "count"}]}`.
    public var document: JSONValue {
        [
            "counts": .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue($0.value)) })),
            "results": .array(results.map(\.document)),
            "removed_messages": .array(
                removedMessages.map {
                    ["dead_letter_queue": .string($0.deadLetterQueue), "count": JSONValue($0.count)]
                }
            ),
        ]
    }
}
