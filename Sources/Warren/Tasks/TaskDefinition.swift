import Foundation
import Logging
import WarrenCore

/// A kind of task: a stable name, `Codable` arguments and result, default options, and the
/// code that runs it.
///
/// ```swift
/// struct Resize: TaskDefinition {
///     struct Arguments: Codable, Sendable { var url: String; var width: Int }
///     struct Result: Codable, Sendable { var bytes: Int }
///     static let name = "resize_image"
///     static let options = TaskOptions(queue: "images")
///     func run(_ arguments: Arguments, context: TaskContext) async throws -> Result { … }
/// }
/// ```
public protocol TaskDefinition: Sendable {
    associatedtype Arguments: Codable & Sendable
    associatedtype Result: Codable & Sendable

    /// The name producers use; never change it once tasks are in flight.
    static var name: String { get }
    /// Defaults for every submission of this task.
    static var options: TaskOptions { get }
    /// The JSON Schema of `Arguments`, advertised so the API can validate submissions.
    /// Inferred from `Arguments` by default.
    static var argumentSchema: JSONSchema { get }

    /// Runs one attempt. Throwing records FAILURE with the error's type and description.
    func run(_ arguments: Arguments, context: TaskContext) async throws -> Result
}

extension TaskDefinition {
    public static var options: TaskOptions { TaskOptions() }
    public static var argumentSchema: JSONSchema { .inferred(from: Arguments.self) }
}
