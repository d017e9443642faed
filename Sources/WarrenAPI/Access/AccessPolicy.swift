import Hummingbird
import WarrenCore

/// Which role each route needs, in one place: reads need `read`; submitting and revoking tasks
/// need `submit`; everything else, and anything about keys, needs `admin`. A new route that is
/// not a read is `admin` until it is listed here.
enum AccessPolicy {
    /// The role `method path` needs, or nil for the paths that are open to anyone.
    static func role(_ method: HTTPRequest.Method, _ path: String) -> APIRole? {
        // Submitting, the route under load, without the path's normalisation.
        if method == .post, path == "/v1/tasks" { return .submit }
        // As the router matches it: `//v1/keys` and `/v1/keys/` reach the `/v1/keys` routes.
        let path =
            path.contains("//") || (path.count > 1 && path.hasSuffix("/"))
            ? "/" + path.split(separator: "/").joined(separator: "/") : path
        if publicPaths.contains(path) { return nil }
        if path == "/v1/keys" || path.hasPrefix("/v1/keys/") { return .admin }
        if method == .get || method == .head { return .read }
        if method == .post, path == "/v1/tasks" || path == "/v1/tasks/batch" || isRevoke(path) { return .submit }
        return .admin
    }

    /// The health checks, which load balancers and orchestrators call without a key; `/metrics`,
    /// which has a key of its own (`WARREN_METRICS_KEY`); and the API's description, which holds
    /// no data and which a browser opens without a key.
    static let publicPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]

    /// `/v1/tasks/{id}/revoke`.
    private static func isRevoke(_ path: String) -> Bool {
        guard path.hasPrefix("/v1/tasks/"), path.hasSuffix("/revoke") else { return false }
        let parts = path.split(separator: "/")
        return parts.count == 4 && parts[0] == "v1" && parts[1] == "tasks" && parts[3] == "revoke"
    }
}
