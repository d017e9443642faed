import Hummingbird
import WarrenCore
import WarrenMetrics

/// Checks the key a request presents (`Authorization: Bearer <key>`, or `X-API-Key: <key>`)
/// against the role its route needs (``AccessPolicy``): 401 without a valid key, 403 when the
/// key's role is not enough. Neither answer repeats the key.
struct AuthenticationMiddleware: RouterMiddleware {
    let keyring: Keyring

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let needed = AccessPolicy.role(request.method, request.uri.path) else {
            return try await next(request, context)
        }
        guard let caller = try await keyring.caller(presenting: Self.presentedKey(request)) else {
            throw Problem(
                .unauthorized, kind: "unauthorized", title: "Unauthorized",
                detail: "send a valid API key as 'Authorization: Bearer <key>'")
        }
        guard caller.role >= needed else {
            throw Problem(
                .forbidden, kind: "forbidden", title: "Forbidden",
                detail:
                    "this key's role is \(caller.role.rawValue); \(request.method) \(request.uri.path) needs \(needed.rawValue)"
            )
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    static func presentedKey(_ request: Request) -> String? {
        MetricsResponse.bearerKey(of: request) ?? request.headers.first { $0.name.canonicalName == "x-api-key" }?.value
    }
}
