import WarrenCore

/// The error recorded for a failed attempt: the Swift type of the error and its description.
public struct TaskError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The error's type, e.g. `SMTPError`.
    public var type: String
    /// What went wrong.
    public var message: String
    /// Why a message was dead-lettered, when it was (see `DeadLetterReason`).
    public var reason: String?

    public init(type: String, message: String, reason: String? = nil) {
        self.type = type
        self.message = message
        self.reason = reason
    }

    /// Describes any thrown error.
    public init(describing error: any Error) {
        if let error = error as? TaskError {
            self = error
        } else {
            self.init(type: String(describing: Swift.type(of: error)), message: String(describing: error))
        }
    }

    public var description: String { "\(type): \(message)" }
}
