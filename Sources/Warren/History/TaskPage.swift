public import WarrenCore

/// A page of the task history, newest first.
public struct TaskPage: Sendable {
    public var tasks: [TaskRecord]
    /// Where the next page starts; nil when this is the last.
    public var nextCursor: TaskCursor?

    /// The page as the REST API shows it: `{"tasks": […], "next_cursor": "…" or null}`.
    public var document: JSONValue {
        [
            "tasks": .array(tasks.map(\.document)),
            "next_cursor": nextCursor.map { .string($0.text) } ?? .null,
        ]
    }
}
