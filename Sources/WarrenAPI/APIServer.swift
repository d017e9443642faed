import Foundation
import Hummingbird
import Logging
import NIOCore
import Warren

/// Warren's REST API as a Hummingbird application.
public enum APIServer {
    /// Builds the application.
    /// - Parameters:
    ///   - client: submits and reads tasks.
    ///   - configuration: listen address, body limit, API keys.
    ///   - onListening: called with the bound port once the server listens (port 0 picks a free one).
    public static func application(
        client: WarrenClient, configuration: Configuration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ProblemMiddleware(logger: logger))
        router.add(middleware: APIKeyMiddleware(keys: Set(configuration.apiKeys)))
        let tasks = TasksController(client: client, maximumBodyBytes: configuration.maximumBodyBytes)
        tasks.add(to: router)
        router.get("/healthz") { _, _ in
            try json(.ok, ["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            let (broker, database) = await client.reachability()
            let document: JSONValue = [
                "status": .string(broker && database ? "ready" : "unavailable"),
                "rabbitmq": .string(broker ? "ok" : "unreachable"),
                "postgresql": .string(database ? "ok" : "unreachable"),
            ]
            return try json(broker && database ? .ok : .serviceUnavailable, document)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "warren"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? configuration.httpPort)
            },
            logger: logger)
    }

    static func json(_ status: HTTPResponse.Status, _ document: JSONValue) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: document.jsonData)))
    }
}

/// Turns every error into a problem document, logging the ones that are the server's fault.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw Problem(.notFound, kind: "not-found", title: "Not found", detail: "no route for \(request.uri.path)")
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw Problem(.methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed", detail: "\(request.method) is not allowed on \(request.uri.path)")
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                logger.error("request failed", metadata: [LoggingKey.path: "\(request.uri.path)", LoggingKey.error: "\(error)"])
            }
            throw problem
        }
    }
}

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
