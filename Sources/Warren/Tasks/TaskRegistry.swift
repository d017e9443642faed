import Foundation
import WarrenCore

/// The task types a worker runs, by name.
public struct TaskRegistry: Sendable {
    /// Runs one attempt from JSON arguments to a JSON result.
    typealias Runner = @Sendable (JSONValue, TaskContext) async throws -> JSONValue

    struct Entry: Sendable {
        var name: String
        var options: TaskOptions
        var schema: JSONSchema
        var run: Runner
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Adds a task type; a later registration under the same name replaces an earlier one.
    public mutating func register<Task: TaskDefinition>(_ task: Task) {
        entries[Task.name] = Entry(
            name: Task.name, options: Task.options, schema: Task.argumentSchema,
            run: { arguments, context in
                let decoded: Task.Arguments
                do {
                    decoded = try arguments.decode(as: Task.Arguments.self)
                } catch {
                    throw TaskError(
                        type: "InvalidArguments",
                        message: "the arguments do not decode as \(Task.Arguments.self): \(error)")
                }
                return try JSONValue(encoding: try await task.run(decoded, context: context))
            })
    }

    /// The registered names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The queues the registered tasks use by default, sorted and unique.
    public var queues: [String] { Array(Set(entries.values.map(\.options.queue))).sorted() }

    subscript(name: String) -> Entry? { entries[name] }
}
