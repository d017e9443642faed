/// A failure in Warren's own logic (not the broker's or the database's).
public struct WarrenError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidJSON = "invalid JSON"
            case invalidArguments = "invalid arguments"
            case unknownTask = "unknown task"
            case invalidMessage = "invalid message"
            case invalidConfiguration = "invalid configuration"
            case notFound = "not found"
            case migration = "migration error"
            case timeout = "timeout"
            case conflict = "conflict"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let invalidJSON = Code(.invalidJSON)
        public static let invalidArguments = Code(.invalidArguments)
        public static let unknownTask = Code(.unknownTask)
        public static let invalidMessage = Code(.invalidMessage)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        public static let notFound = Code(.notFound)
        public static let migration = Code(.migration)
        public static let timeout = Code(.timeout)
        /// The request does not fit the task's state (revoking a finished task).
        public static let conflict = Code(.conflict)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What a user can act on.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
