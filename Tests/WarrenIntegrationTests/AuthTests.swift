import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Warren
import WarrenCore
import WarrenTesting

@testable import WarrenAPI

/// API keys and roles, each test on a database of its own: keys in the shared one would close the
/// open, loopback APIs of every other test.
@Suite(.timeLimit(.minutes(3))) struct AuthTests {
    /// The role every route needs (nil: open to anyone). Every route the API has must be listed,
    /// so that a new one cannot go unchecked.
    static let roles: [String: APIRole?] = [
        "GET /healthz": nil, "GET /readyz": nil, "GET /metrics": nil, "GET /openapi.json": nil, "GET /docs": nil,
        "GET /v1/tasks": .read, "GET /v1/tasks/{id}": .read, "GET /v1/tasks/{id}/events": .read,
        "GET /v1/tasks/{id}/stream": .read, "POST /v1/tasks": .submit, "POST /v1/tasks/batch": .submit,
        "POST /v1/tasks/{id}/revoke": .submit,
        "GET /v1/dead-letters": .read, "GET /v1/dead-letters/{id}": .read, "POST /v1/dead-letters/replay": .admin,
        "DELETE /v1/dead-letters": .admin,
        "GET /v1/queues": .read, "POST /v1/queues/{name}/pause": .admin, "POST /v1/queues/{name}/resume": .admin,
        "GET /v1/keys": .admin, "POST /v1/keys": .admin, "DELETE /v1/keys/{id}": .admin,
        "GET /v1/schedules": .read, "GET /v1/schedules/{name}": .read, "POST /v1/schedules": .admin,
        "PATCH /v1/schedules/{name}": .admin, "DELETE /v1/schedules/{name}": .admin,
        "POST /v1/schedules/{name}/run": .admin,
    ]

    /// The bootstrap admin key (`WARREN_API_KEYS`) of these tests.
    static let bootstrapKey = "wk_bootstrap-\(UUID().uuidString)"

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    @Test func everyRouteAnswers401WithoutAKeyAnd403ToAWeakerRole() async throws {
        try await Servers.withDatabase("warren_auth") { isolated in
            var configuration = isolated
            configuration.apiKeys = [Self.bootstrapKey]
            try await withServers { servers in
                let client = try await servers.client(configuration)
                let routes = APIServer.router(
                    client: client, configuration: configuration, insecureNoAuth: false, logger: Servers.logger
                ).routes.map(\.description)
                #expect(Set(routes) == Set(Self.roles.keys))
                var created: [APIRole: String] = [:]
                for role in APIRole.allCases {
                    created[role] = try await client.apiKeys.create(name: "test", role: role).key
                }
                let keys = created
                try await withAPI(configuration) { api in
                    for (route, needed) in Self.roles.sorted(by: { $0.key < $1.key }) {
                        let parts = route.split(separator: " ")
                        let method = HTTPRequest.Method(String(parts[0]))!
                        // No such id: DELETE /v1/keys/{id} must not revoke a key this test uses.
                        let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "999999")
                            .replacingOccurrences(of: "{name}", with: "default")
                        let body: String? = method == .get ? nil : "{}"
                        guard let needed else {
                            #expect(try await api.send(method, path).status != .unauthorized, "\(route)")
                            continue
                        }
                        let anonymous = try await api.send(method, path, body: body)
                        #expect(anonymous.status == .unauthorized, "\(route)")
                        #expect(anonymous.headers[.wwwAuthenticate] == "Bearer", "\(route)")
                        let wrong = try await api.send(method, path, body: body, headers: Self.bearer("wk_not-a-key"))
                        #expect(wrong.status == .unauthorized, "\(route)")
                        for role in APIRole.allCases {
                            let answer = try await api.send(method, path, body: body, headers: Self.bearer(keys[role]!))
                            if role < needed {
                                #expect(answer.status == .forbidden, "\(route) with a \(role) key")
                                #expect(answer.json["detail"].map { "\($0)".contains(keys[role]!) } == false)
                            } else {
                                #expect(![.unauthorized, .forbidden].contains(answer.status), "\(route) with \(role)")
                            }
                        }
                        let bootstrap = try await api.send(
                            method, path, body: body, headers: Self.bearer(Self.bootstrapKey))
                        #expect(
                            ![.unauthorized, .forbidden].contains(bootstrap.status), "\(route) with the bootstrap key")
                        let header = try await api.send(
                            method, path, body: body, headers: [HTTPField.Name("X-API-Key")!: keys[.admin]!])
                        #expect(![.unauthorized, .forbidden].contains(header.status), "\(route) with X-API-Key")
                    }
                }
            }
        }
    }

    @Test func aSubmitKeyRevokesOnlyItsOwnTasksAndItsIdempotencyKeysAreItsOwn() async throws {
        try await Servers.withDatabase("warren_auth") { configuration in
            try await withServers { servers in
                let client = try await servers.client(configuration)
                let alice = try await client.apiKeys.create(name: "alice", role: .submit).key
                let bob = try await client.apiKeys.create(name: "bob", role: .submit).key
                let admin = try await client.apiKeys.create(name: "ops", role: .admin).key
                try await withAPI(configuration) { api in
                    let submission =
                        #"{"task": "test.echo", "args": {"value": 1}, "countdown": 600, "idempotency_key": "k"}"#
                    let first = try await api.postJSON("/v1/tasks", submission, headers: Self.bearer(alice))
                    #expect(first.status == .accepted)
                    let again = try await api.postJSON("/v1/tasks", submission, headers: Self.bearer(alice))
                    #expect(again.status == .ok)
                    #expect(again.json["id"] == first.json["id"])
                    let bobs = try await api.postJSON("/v1/tasks", submission, headers: Self.bearer(bob))
                    #expect(bobs.status == .accepted)
                    #expect(bobs.json["id"] != first.json["id"])

                    let id = try #require(first.json["id"]?.stringValue)
                    let refused = try await api.postJSON("/v1/tasks/\(id)/revoke", "", headers: Self.bearer(bob))
                    #expect(refused.status == .forbidden)
                    #expect(
                        try await api.get("/v1/tasks/\(id)", headers: Self.bearer(bob)).json["state"] == "SCHEDULED")
                    let revoked = try await api.postJSON("/v1/tasks/\(id)/revoke", "", headers: Self.bearer(alice))
                    #expect(revoked.status == .ok)
                    #expect(revoked.json["state"] == "REVOKED")
                    let bobsID = try #require(bobs.json["id"]?.stringValue)
                    let byAdmin = try await api.postJSON("/v1/tasks/\(bobsID)/revoke", "", headers: Self.bearer(admin))
                    #expect(byAdmin.status == .ok)
                }
            }
        }
    }

    @Test func keysAreManagedOverRESTAndARevokedKeyIsRefused() async throws {
        try await Servers.withDatabase("warren_auth") { isolated in
            var configuration = isolated
            configuration.apiKeys = [Self.bootstrapKey]
            try await withAPI(configuration) { api in
                let admin = Self.bearer(Self.bootstrapKey)
                let created = try await api.postJSON(
                    "/v1/keys", #"{"name": "reporting", "role": "read"}"#, headers: admin)
                #expect(created.status == .created)
                let key = try #require(created.json["key"]?.stringValue)
                let id = try #require(created.json["id"]).jsonText
                #expect(created.json["role"] == "read")
                #expect(created.json["prefix"]?.stringValue.map(key.hasPrefix) == true)
                // A key works at once.
                #expect(try await api.get("/v1/queues", headers: Self.bearer(key)).status == .ok)
                let listed = try await api.get("/v1/keys", headers: admin)
                #expect(listed.json["keys"]?.arrayValue?.map { $0["name"] } == ["reporting"])
                #expect(!"\(listed.json)".contains(key))
                #expect(
                    try await api.postJSON("/v1/keys", #"{"name": "x", "role": "root"}"#, headers: admin).status
                        == .unprocessableContent)

                let revoked = try await api.deleteJSON("/v1/keys/\(id)", "", headers: admin)
                #expect(revoked.status == .ok)
                #expect(revoked.json["revoked_at"] != .null)
                try await eventually(timeout: .seconds(5), "the revoked key is refused") {
                    try await api.get(Self.cheapRead, headers: Self.bearer(key)).status == .unauthorized
                }
                #expect(try await api.deleteJSON("/v1/keys/999999", "", headers: admin).status == .notFound)
            }
        }
    }

    /// A read that costs the API one indexed lookup (404 when the key may read): what a test polls
    /// while it waits for a key to stop working. `GET /v1/queues` also asks RabbitMQ's management
    /// API, which a loaded machine can take seconds to answer: longer than that wait.
    static let cheapRead = "/v1/tasks/00000000-0000-0000-0000-000000000000"

    @Test func anAPIIsOpenOnlyOnLoopbackAndOnlyUntilItsFirstKey() async throws {
        try await Servers.withDatabase("warren_auth") { configuration in
            try await withAPI(configuration) { api in
                let open = try await api.get("/v1/queues").status
                #expect(open == .ok)
                let created = try await api.postJSON("/v1/keys", #"{"name": "first", "role": "read"}"#)
                let key = try #require(created.json["key"]?.stringValue)
                let id = try #require(created.json["id"]).jsonText
                try await eventually(timeout: .seconds(5), "the first key closes the API") {
                    try await api.get(Self.cheapRead).status == .unauthorized
                }
                // The paths the router reaches by another spelling need the same role.
                for path in ["//v1/keys", "/v1//keys", "/v1/keys/"] {
                    let status = try await api.get(path, headers: Self.bearer(key)).status
                    #expect(status == .forbidden, "\(path)")
                }
                let admin = try await withServers { servers in
                    try await servers.client(configuration).apiKeys.create(name: "admin", role: .admin).key
                }
                // A key made elsewhere works as soon as the API reads the keys again: within 100 ms.
                try await eventually(timeout: .seconds(5), "the new admin key works") {
                    try await api.get("/v1/keys", headers: Self.bearer(admin)).status == .ok
                }
                #expect(try await api.deleteJSON("/v1/keys/\(id)", "", headers: Self.bearer(admin)).status == .ok)
                let adminID = try #require(
                    try await api.get("/v1/keys", headers: Self.bearer(admin)).json["keys"]?.arrayValue?.last?["id"]
                ).jsonText
                #expect(try await api.deleteJSON("/v1/keys/\(adminID)", "", headers: Self.bearer(admin)).status == .ok)
                // Every key revoked: the API stays closed.
                try await eventually(timeout: .seconds(5), "the revoked keys are refused") {
                    try await api.get(Self.cheapRead, headers: Self.bearer(admin)).status == .unauthorized
                }
                let closed = try await api.get("/v1/queues").status
                #expect(closed == .unauthorized)
            }
            var exposed = configuration
            exposed.httpHost = "0.0.0.0"
            try await withAPI(exposed) { api in
                let status = try await api.get("/v1/queues").status
                #expect(status == .unauthorized)
            }
        }
    }

    /// `warren api` itself: it refuses to listen beyond loopback without a key, starts with
    /// `--insecure-no-auth` and a warning, and logs no key it is sent, even at trace level.
    @Test func theAPIRefusesToListenBeyondLoopbackWithoutAKeyAndLogsNoKey() async throws {
        try await Servers.withDatabase("warren_auth") { configuration in
            let environment = [
                "WARREN_DATABASE_URL": configuration.databaseURL, "WARREN_HTTP_HOST": "0.0.0.0",
                "WARREN_HTTP_PORT": "0",
                "WARREN_LOG_LEVEL": "trace",
            ]
            let refused = try await runProgram(
                builtExecutable("warren"), ["api"], environment: environment, includingErrors: true)
            #expect(refused.status != 0)
            #expect(refused.output.contains("refusing to listen on 0.0.0.0 without an API key"))

            try await withProgram(builtExecutable("warren"), ["api", "--insecure-no-auth"], environment: environment) {
                output in
                let port = try await printedPort(after: "Warren API listening on http://0.0.0.0:", in: output)
                let status = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    try await client.get("/v1/queues").status
                }
                #expect(status == .ok)
                #expect(output().contains("--insecure-no-auth: the API answers anyone"))
            }

            let secret = "wk_secret-\(UUID().uuidString)"
            var withKey = environment
            withKey["WARREN_API_KEYS"] = secret
            let stored = try await APIKeys.withKeys(databaseURL: configuration.databaseURL) {
                try await $0.create(name: "logged", role: .read).key
            }
            try await withProgram(builtExecutable("warren"), ["api"], environment: withKey) { output in
                let port = try await printedPort(after: "Warren API listening on http://0.0.0.0:", in: output)
                try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    #expect(try await client.get("/v1/queues", headers: Self.bearer(secret)).status == .ok)
                    #expect(try await client.get("/v1/queues", headers: Self.bearer(stored)).status == .ok)
                    let wrong = try await client.get("/v1/queues", headers: Self.bearer(secret + "x"))
                    #expect(wrong.status == .unauthorized)
                    let weak = try await client.post(
                        "/v1/queues/default/pause", headers: Self.bearer(stored), body: ByteBuffer())
                    #expect(weak.status == .forbidden)
                    #expect(!String(buffer: weak.body ?? ByteBuffer()).contains(stored))
                }
                let log = output()
                #expect(!log.isEmpty)
                for key in [secret, stored, KeyDigest(of: secret).hex, KeyDigest(of: stored).hex] {
                    #expect(!log.contains(key))
                }
            }
        }
    }
}
