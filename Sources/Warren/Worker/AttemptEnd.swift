import WarrenCore

/// How an attempt ended, as far as the worker is concerned.
enum AttemptEnd: Sendable {
    case finished(JSONValue)
    case failed(any Error, afterSoftLimit: Bool)
    /// Still running at its hard time limit: the worker moved on without it.
    case overHardLimit
    /// Revoked with `terminate` while it ran.
    case revoked
}
