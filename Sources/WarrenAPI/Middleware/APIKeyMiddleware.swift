import Hummingbird

/// Requires `Authorization: Bearer <key>` (or `X-API-Key: <key>`) on everything but health checks,
/// when keys are configured.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        if keys.isEmpty || path == "/healthz" || path == "/readyz" {
            return try await next(request, context)
        }
        var presented = request.headers[.authorization].flatMap { value -> String? in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        if presented == nil {
            presented = request.headers.first { $0.name.canonicalName == "x-api-key" }?.value
        }
        guard let presented, keys.contains(presented) else {
            throw Problem(
                .unauthorized, kind: "unauthorized", title: "Unauthorized",
                detail: "send a valid API key as 'Authorization: Bearer <key>'")
        }
        return try await next(request, context)
    }
}
