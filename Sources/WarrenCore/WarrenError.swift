/// A failure a Warren user can act on: in Warren's own logic, or a server it needs being
/// ``Code/unavailable(_:)``.
public struct WarrenError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A server Warren depends on.
        public enum Service: String, Sendable {
            /// RabbitMQ.
            case broker
            /// PostgreSQL.
            case database
        }

        private enum Base: Hashable {
            case named(Name)
            case unavailable(Service)
        }

        private enum Name: String {
            case invalidJSON = "invalid JSON"
            case invalidArguments = "invalid arguments"
            case invalidParameter = "invalid parameter"
            case unknownTask = "unknown task"
            case unknownQueue = "unknown queue"
            case invalidMessage = "invalid message"
            case invalidConfiguration = "invalid configuration"
            case notFound = "not found"
            case migration = "migration error"
            case timeout = "timeout"
            case conflict = "conflict"
            case idempotencyKeyReused = "idempotency key reused"
            case tooLarge = "too large"
            case queueFull = "queue full"
            case `internal` = "internal error"
        }
        private let base: Base
        private init(_ name: Name) { self.base = .named(name) }
        private init(_ base: Base) { self.base = base }

        public static let invalidJSON = Code(.invalidJSON)
        public static let invalidArguments = Code(.invalidArguments)
        /// A query parameter (a listing's filter, limit or cursor) that cannot be read: the API's 400.
        public static let invalidParameter = Code(.invalidParameter)
        public static let unknownTask = Code(.unknownTask)
        /// A submission named a queue no worker consumes and no operator declared.
        public static let unknownQueue = Code(.unknownQueue)
        public static let invalidMessage = Code(.invalidMessage)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        public static let notFound = Code(.notFound)
        public static let migration = Code(.migration)
        public static let timeout = Code(.timeout)
        /// The request does not fit the task's state (revoking a finished task).
        public static let conflict = Code(.conflict)
        /// An idempotency key came again with another task, arguments or options.
        public static let idempotencyKeyReused = Code(.idempotencyKeyReused)
        /// A submission whose arguments would make a message over the workers' limit (the API's 413).
        public static let tooLarge = Code(.tooLarge)
        /// A submission to a queue that holds as many waiting tasks as `WARREN_MAX_WAITING` allows
        /// (the API's 429).
        public static let queueFull = Code(.queueFull)
        /// A fault in Warren or its servers that trying again will not mend (the API's 500).
        public static let `internal` = Code(.internal)

        /// `service` could not be reached, or failed the request: worth trying again later.
        public static func unavailable(_ service: Service) -> Code { Code(.unavailable(service)) }

        public var description: String {
            switch base {
            case .named(let name): name.rawValue
            case .unavailable(let service): "\(service.rawValue) unavailable"
            }
        }
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
