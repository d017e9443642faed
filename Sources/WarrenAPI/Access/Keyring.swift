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
    /// What the API does with a request that presents no valid key.
    enum Mode: Sendable {
        /// On a loopback address: answers it as an admin until the first key is created (in
        /// `WARREN_API_KEYS` or `warren.api_keys`); 401 from then on, even once all are revoked.
        case openUntilFirstKey
        /// On any other address: 401 (``APIServer`` refuses to start there without a key).
        case closed
        /// `--insecure-no-auth`: no key is checked; everyone is an admin.
        case noAuthentication
    }

    private struct Loaded {
        var stored: APIKeys.Stored
        var at: ContinuousClock.Instant
    }

    private struct State {
        var loaded: Loaded?
        var loading: Task<APIKeys.Stored, any Error>?
    }

    private let mode: Mode
    private let bootstrap: [KeyDigest]
    private let load: @Sendable () async throws -> APIKeys.Stored
    private let logger: Logger
    private let state = Mutex(State())
    static let maximumAge = Duration.seconds(1)
    static let missRefresh = Duration.milliseconds(100)

    /// - Parameters:
    ///   - bootstrap: `WARREN_API_KEYS`.
    ///   - load: reads the stored keys.
    init(mode: Mode, bootstrap: [String], logger: Logger, load: @escaping @Sendable () async throws -> APIKeys.Stored) {
        self.mode = mode
        self.bootstrap = bootstrap.map(KeyDigest.init(of:))
        self.load = load
        self.logger = logger
    }

    /// The caller presenting `key`, or nil when the request must be refused with 401.
    /// - Throws: a 503 ``Problem`` when the stored keys are needed, have never been read, and
    ///   cannot be.
    func caller(presenting key: String?) async throws -> Caller? {
        if case .noAuthentication = mode { return .unauthenticatedAdmin }
        let digest = key.map(KeyDigest.init(of:))
        if let digest, bootstrap.contains(where: { $0.matches(digest) }) {
            return Caller(role: .admin, keyID: nil)
        }
        let mayBeOpen: Bool
        if case .openUntilFirstKey = mode, bootstrap.isEmpty { mayBeOpen = true } else { mayBeOpen = false }
        // Without a key, only an API still open needs the stored keys.
        guard digest != nil || mayBeOpen else { return nil }
        var stored = try await keys(youngerThan: Self.maximumAge)
        if let digest {
            if let found = Self.find(digest, in: stored.active) { return found }
            stored = try await keys(youngerThan: Self.missRefresh)
            if let found = Self.find(digest, in: stored.active) { return found }
        }
        return mayBeOpen && !stored.anyCreated ? .unauthenticatedAdmin : nil
    }

    private static func find(_ digest: KeyDigest, in keys: [APIKeys.Active]) -> Caller? {
        var found: Caller?
        // Every digest is compared, so the time taken does not say which one matched.
        for key in keys where key.digest.matches(digest) {
            found = Caller(role: key.role, keyID: key.id)
        }
        return found
    }

    /// The stored keys, read again first when the last read is older than `age`; one read at a
    /// time, which every request that needs it waits for. When a read fails, the keys read last
    /// are kept, for another `maximumAge`, and the failure is logged once.
    private func keys(youngerThan age: Duration) async throws -> APIKeys.Stored {
        enum Read {
            case cached(APIKeys.Stored)
            case loading(Task<APIKeys.Stored, any Error>)
        }
        let now = ContinuousClock.now
        let read = state.withLock { state -> Read in
            if let loaded = state.loaded, now - loaded.at < age { return .cached(loaded.stored) }
            if let loading = state.loading { return .loading(loading) }
            let loading = Task { [load, logger] in
                defer { self.state.withLock { $0.loading = nil } }
                do {
                    let stored = try await load()
                    self.state.withLock { $0.loaded = Loaded(stored: stored, at: now) }
                    return stored
                } catch {
                    let previous = self.state.withLock { state -> APIKeys.Stored? in
                        state.loaded?.at = now
                        return state.loaded?.stored
                    }
                    guard let previous else {
                        logger.error("cannot read the API keys", metadata: [LoggingKey.error: "\(error)"])
                        throw Problem(
                            .serviceUnavailable, kind: "database-unavailable", title: "Database unavailable",
                            detail: "the API keys could not be read from PostgreSQL; try again")
                    }
                    logger.warning(
                        "cannot read the API keys; using the last ones read", metadata: [LoggingKey.error: "\(error)"])
                    return previous
                }
            }
            state.loading = loading
            return .loading(loading)
        }
        switch read {
        case .cached(let stored): return stored
        case .loading(let loading): return try await loading.value
        }
    }
}
