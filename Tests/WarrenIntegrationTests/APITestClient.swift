import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WarrenAMQP
import WarrenAPI
import WarrenPosix
import WarrenPostgres
import WarrenTesting

@testable import Warren

/// Serves the API on a free port for `body`. A waiting request reads its task's row at each notice
/// and every `heardRereadInterval` (1 s, as in `warren api`).
func withAPI(
    _ configuration: Configuration, heardRereadInterval: Duration = .seconds(1),
    _ body: @escaping @Sendable (APITestClient) async throws -> Void
) async throws {
    var configuration = configuration
    configuration.httpPort = 0
    let client = try WarrenClient(
        configuration: configuration, maximumConnections: 4, logger: Servers.logger,
        heardRereadInterval: heardRereadInterval)
    try await closing(
        client.shutdown,
        after: {
            let app = APIServer.application(client: client, configuration: configuration, logger: Servers.logger)
            try await app.test(.live) { testClient in try await body(APITestClient(client: testClient)) }
        })
}

struct APIResponse {
    var status: HTTPResponse.Status
    var contentType: String?
    var retryAfter: String? = nil
    var json: JSONValue
    var headers: HTTPFields = [:]
}

struct APITestClient {
    let client: any TestClientProtocol

    func postJSON(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await send(.post, path, body: body, headers: headers)
    }

    func deleteJSON(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await send(.delete, path, body: body, headers: headers)
    }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await send(.get, path, headers: headers)
    }

    /// A request with `body` as JSON, if it has one.
    func send(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map(ByteBuffer.init)) {
            response in Self.read(response)
        }
    }

    /// A `GET` whose body is read as text, whole: for a stream, once the server ends it.
    func getText(_ path: String) async throws -> (status: HTTPResponse.Status, contentType: String?, text: String) {
        try await client.execute(uri: path, method: .get) { response in
            (response.status, response.headers[.contentType], String(buffer: response.body))
        }
    }

    /// Polls `GET /v1/tasks/{id}` until the task is SUCCESS or FAILURE.
    func waitForTerminal(_ id: String) async throws -> JSONValue {
        var last: JSONValue = .null
        try await eventually("task \(id) finished") {
            last = try await get("/v1/tasks/\(id)").json
            return last["state"] == "SUCCESS" || last["state"] == "FAILURE"
        }
        return last
    }

    /// A `GET` on a connection of its own, so that it can run beside this client's requests.
    func getAlongside(_ path: String) async throws -> APIResponse {
        let port = try #require(client.port)
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { other in
            let response = try await other.get(path)
            let json = (try? JSONValue(parsing: (response.body ?? ByteBuffer()).readableBytesView)) ?? .null
            return APIResponse(
                status: response.status, contentType: response.headers[.contentType],
                retryAfter: response.headers[.retryAfter], json: json)
        }
    }

    private static func read(_ response: TestResponse) -> APIResponse {
        let json = (try? JSONValue(parsing: response.body.readableBytesView)) ?? .null
        return APIResponse(
            status: response.status, contentType: response.headers[.contentType],
            retryAfter: response.headers[.retryAfter], json: json, headers: response.headers)
    }
}
