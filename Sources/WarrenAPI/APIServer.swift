import Foundation
public import Hummingbird
public import Logging
import NIOCore
import NIOFoundationEssentialsCompat
public import Warren

/// Warren's REST API as a Hummingbird application.
public enum APIServer {
    /// Builds the application.
    /// - Parameters:
    ///   - client: submits and reads tasks.
    ///   - configuration: listen address, body limit, API keys.
    ///   - insecureNoAuth: answer everyone as an admin, checking no key.
    ///   - onListening: called with the bound port once the server listens (port 0 picks a free one).
    public static func application(
        client: WarrenClient, configuration: Configuration, insecureNoAuth: Bool = false, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(
                client: client, configuration: configuration, insecureNoAuth: insecureNoAuth, logger: logger),
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "warren"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? configuration.httpPort)
            },
            logger: logger)
    }

    /// Every route, behind the middleware that turns errors into problems and checks keys.
    static func router(
        client: WarrenClient, configuration: Configuration, insecureNoAuth: Bool, logger: Logger
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        let routes = RouteTable()
        // Outermost, so that a request's span covers the key check and the problem it may become.
        router.add(middleware: RequestTracing())
        router.add(
            middleware: ProblemMiddleware(
                logger: logger, maximumBodyBytes: configuration.maximumBodyBytes, routes: routes))
        let mode: Keyring.Mode =
            insecureNoAuth ? .noAuthentication : isLoopback(configuration.httpHost) ? .openUntilFirstKey : .closed
        let keyring = Keyring(mode: mode, bootstrap: configuration.apiKeys, logger: logger) {
            try await client.apiKeys.stored()
        }
        router.add(middleware: AuthenticationMiddleware(keyring: keyring))
        let tasks = TasksController(
            client: client, maximumBodyBytes: configuration.maximumBodyBytes,
            waiters: WaiterLimit(configuration.maximumWaiters))
        tasks.add(to: router)
        DeadLettersController(client: client, maximumBodyBytes: configuration.maximumBodyBytes).add(to: router)
        QueuesController(client: client).add(to: router)
        SchedulesController(client: client, maximumBodyBytes: configuration.maximumBodyBytes).add(to: router)
        KeysController(client: client, maximumBodyBytes: configuration.maximumBodyBytes).add(to: router)
        MetricsController(client: client, key: configuration.metricsKey).add(to: router)
        OpenAPIController().add(to: router)
        router.get("/healthz") { _, _ in
            try json(.ok, ["status": "ok"])
        }
        let readiness = Readiness { await client.reachability() }
        router.get("/readyz") { _, _ in
            let (broker, database) = await readiness.check()
            let document: JSONValue = [
                "status": .string(broker && database ? "ready" : "unavailable"),
                "rabbitmq": .string(broker ? "ok" : "unreachable"),
                "postgresql": .string(database ? "ok" : "unreachable"),
            ]
            return try json(broker && database ? .ok : .serviceUnavailable, document)
        }
        routes.record(router)
        return router
    }

    /// Refuses to serve an API beyond this machine that no key protects: listening on an address
    /// other than loopback needs `WARREN_API_KEYS` or a key in `warren.api_keys`, unless
    /// `insecureNoAuth` says to answer everyone, which is logged as a warning.
    /// - Throws: ``WarrenError`` `invalidConfiguration`, saying how to make a key.
    public static func checkAccess(
        configuration: Configuration, client: WarrenClient, insecureNoAuth: Bool, logger: Logger
    ) async throws {
        let host = configuration.httpHost
        if insecureNoAuth {
            logger.warning(
                "--insecure-no-auth: the API answers anyone on \(host), as an admin, without a key")
            return
        }
        guard !isLoopback(host), configuration.apiKeys.isEmpty, try await client.apiKeys.stored().active.isEmpty
        else {
            return
        }
        throw WarrenError(
            .invalidConfiguration,
            "refusing to listen on \(host) without an API key: set WARREN_API_KEYS, or create one with 'warren keys create --role admin', or pass --insecure-no-auth"
        )
    }

    /// Whether `host` is reachable only from this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    static func json(_ status: HTTPResponse.Status, _ document: JSONValue) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: document.jsonData)))
    }
}
