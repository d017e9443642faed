import Foundation
import Hummingbird
import Warren

/// `/v1/keys`: the API keys, for admins. A key is answered once, when it is created.
struct KeysController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/keys") { _, _ in
            try APIServer.json(.ok, ["keys": .array(try await client.apiKeys.list().map(\.document))])
        }
        router.post("/v1/keys") { request, _ in try await create(request) }
        router.delete("/v1/keys/:id") { _, context in try await revoke(context.parameters.get("id") ?? "") }
    }

    /// The body `POST /v1/keys` takes.
    static let createSchema = JSONSchema([
        "type": "object", "required": ["name", "role"], "additionalProperties": false,
        "properties": [
            // Its length is checked by APIKeys.create.
            "name": ["type": "string"],
            "role": ["enum": .array(APIRole.allCases.map { .string($0.rawValue) })],
        ],
    ])

    /// `POST /v1/keys` with `{"name", "role"}`: 201 with the key's document and `key`, the key itself.
    func create(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let document = try JSONValue(parsing: body.readableBytesView)
        let problems = Self.createSchema.violations(of: document)
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        // The schema has checked both.
        let name = document["name"]?.stringValue ?? ""
        let role = APIRole(rawValue: document["role"]?.stringValue ?? "") ?? .read
        let (key, record) = try await client.apiKeys.create(name: name, role: role)
        return try APIServer.json(.created, record.document(revealing: key))
    }

    /// `DELETE /v1/keys/{id}`: revokes the key; 200 with its document, now with `revoked_at`.
    func revoke(_ idText: String) async throws -> Response {
        guard let id = Int(idText), id > 0 else {
            throw Problem(
                .badRequest, kind: "invalid-id", title: "Invalid id", detail: "a key's id is a positive integer")
        }
        guard let record = try await client.apiKeys.revoke(id) else {
            throw Problem(.notFound, kind: "not-found", title: "Not found", detail: "no API key has the id \(id)")
        }
        return try APIServer.json(.ok, record.document)
    }
}
