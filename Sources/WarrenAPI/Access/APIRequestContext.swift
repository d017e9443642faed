import Hummingbird
import WarrenCore

/// Who sent a request: the role of the key it presented, and that key's id when it is stored in
/// `warren.api_keys` (a `WARREN_API_KEYS` key, or an open API, has none).
struct Caller: Sendable, Equatable {
    var role: APIRole
    var keyID: Int?

    /// Whoever calls an API that has never had a key, or runs with `--insecure-no-auth`: an admin.
    static let unauthenticatedAdmin = Caller(role: .admin, keyID: nil)
}

/// The request context of Warren's routes: Hummingbird's, and the ``Caller``, which
/// ``AuthenticationMiddleware`` sets before a route that needs a key runs (nil on the others).
struct APIRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var caller: Caller?

    init(source: Source) {
        coreContext = .init(source: source)
    }
}
