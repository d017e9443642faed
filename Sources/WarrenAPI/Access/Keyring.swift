import Hummingbird
import Logging
import Synchronization
import Warren
import WarrenCore

/// The keys the API accepts: `WARREN_API_KEYS`, each an `admin` key, and the keys stored in
/// `warren.api_keys`, read again at most every second, and at once (at most every 100 ms) when a
/// request presents a key it does not know, so that a new key works at once and a revoked one
/// stops within a second. Only digests are kept, and compared in constant time.
final class Keyring: Sendable {
    /// Whether the API answers requests without a key when no key exists at all: on a loopback
    /// address it does; on any other it refuses them (``APIServer`` refuses to start there without
    /// a key unless told `--insecure-no-auth`, which is ``disabled``).
    enum Mode: Sendable {
        case openWithoutKeys
        case closedWithoutKeys
        /// No key is checked: everyone is an admin.
        case disabled
    }

    private struct Loaded {
        var keys: [APIKeys.Active]
        var at: ContinuousClock.Instant
    }

    private struct State {
        var loaded: Loaded?
        var loading: Task<[APIKeys.Active], any Error>?
    }

    private let mode: Mode
    private let bootstrap: [String]
    private let load: @Sendable () async throws -> [APIKeys.Active]
    private let logger: Logger
    private let state = Mutex(State())
    static let maximumAge = Duration.seconds(1)
    static let missRefresh = Duration.milliseconds(100)

    /// - Parameters:
    ///   - bootstrap: `WARREN_API_KEYS`.
    ///   - load: reads the stored keys that are not revoked.
    init(
        mode: Mode, bootstrap: [String], logger: Logger, load: @escaping @Sendable () async throws -> [APIKeys.Active]
    ) {
        self.mode = mode
        self.bootstrap = bootstrap.map(APIKeySecret.digest)
        self.load = load
        self.logger = logger
    }

    /// The caller presenting `key`, or nil when the request must be refused with 401.
    /// - Throws: a 503 ``Problem`` when the stored keys have never been read and cannot be.
    func caller(presenting key: String?) async throws -> Caller? {
        if case .disabled = mode { return .anyone }
        let digest = key.map(APIKeySecret.digest)
        if let digest, bootstrap.contains(where: { APIKeySecret.same($0, digest) }) {
            return Caller(role: .admin, keyID: nil)
        }
        var stored = try await keys(youngerThan: Self.maximumAge)
        if let digest {
            if let found = Self.find(digest, in: stored) { return found }
            stored = try await keys(youngerThan: Self.missRefresh)
            if let found = Self.find(digest, in: stored) { return found }
        }
        if case .openWithoutKeys = mode, bootstrap.isEmpty, stored.isEmpty { return .anyone }
        return nil
    }

    private static func find(_ digest: String, in keys: [APIKeys.Active]) -> Caller? {
        var found: Caller?
        // Every digest is compared, so the time taken does not say which one matched.
        for key in keys where APIKeySecret.same(key.digest, digest) { found = Caller(role: key.role, keyID: key.id) }
        return found
    }

    /// The stored keys, read again first when the last read is older than `age`; one read at a
    /// time, which every request that needs it waits for.
    private func keys(youngerThan age: Duration) async throws -> [APIKeys.Active] {
        enum Read {
            case cached([APIKeys.Active])
            case loading(Task<[APIKeys.Active], any Error>, previous: Loaded?)
        }
        let now = ContinuousClock.now
        let read = state.withLock { state -> Read in
            if let loaded = state.loaded, now - loaded.at < age { return .cached(loaded.keys) }
            if let loading = state.loading { return .loading(loading, previous: state.loaded) }
            let loading = Task { [load] in
                defer { self.state.withLock { $0.loading = nil } }
                let keys = try await load()
                self.state.withLock { $0.loaded = Loaded(keys: keys, at: now) }
                return keys
            }
            state.loading = loading
            return .loading(loading, previous: state.loaded)
        }
        switch read {
        case .cached(let keys):
            return keys
        case .loading(let loading, let previous):
            do {
                return try await loading.value
            } catch {
                guard let previous else {
                    logger.error("cannot read the API keys", metadata: [LoggingKey.error: "\(error)"])
                    throw Problem(
                        .serviceUnavailable, kind: "database-unavailable", title: "Database unavailable",
                        detail: "the API keys could not be read from PostgreSQL; try again")
                }
                logger.warning(
                    "cannot read the API keys; using the last ones read", metadata: [LoggingKey.error: "\(error)"])
                return previous.keys
            }
        }
    }
}
