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
    ///   - onListening: called with the bound port once the server listens (port 0 picks a free one).
    public static func application(
        client: WarrenClient, configuration: Configuration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ProblemMiddleware(logger: logger, maximumBodyBytes: configuration.maximumBodyBytes))
        router.add(middleware: APIKeyMiddleware(keys: Set(configuration.apiKeys)))
        let tasks = TasksController(
            client: client, maximumBodyBytes: configuration.maximumBodyBytes,
            waiters: WaiterLimit(configuration.maximumWaiters))
        tasks.add(to: router)
        DeadLettersController(client: client, maximumBodyBytes: configuration.maximumBodyBytes).add(to: router)
        QueuesController(client: client).add(to: router)
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
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "warren"),
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
