import Foundation
import Hummingbird
import Warren

/// `/v1/dead-letters`: the messages workers sent to the dead-letter queues, with why; replayed
/// back to their queues or purged.
struct DeadLettersController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/dead-letters") { request, _ in try await list(request) }
        router.get("/v1/dead-letters/:id") { _, context in try await show(context.parameters.get("id") ?? "") }
        router.post("/v1/dead-letters/replay") { request, _ in
            try APIServer.json(.ok, try await client.replay(try await selection(request)).document)
        }
        router.delete("/v1/dead-letters") { request, _ in
            try APIServer.json(.ok, try await client.purge(try await selection(request)).document)
        }
    }

    /// The body of `POST /v1/dead-letters/replay` and `DELETE /v1/dead-letters`: `{"ids": […]}`,
    /// or `{"queue", "task", "reason", "since", "all"}` (``DeadLetterSelection``). The answer is
    /// 200 with a result for each dead letter met.
    func selection(_ request: Request) async throws -> DeadLetterSelection {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        return try DeadLetterSelection(document: try JSONValue(parsing: body.readableBytesView), now: Date())
    }

    /// `GET /v1/dead-letters?queue=&task=&reason=&status=&since=&limit=&cursor=`: newest first, a
    /// page at a time, with the messages waiting in the dead-letter queues.
    func list(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let page = try await client.deadLetters(matching: try DeadLetterQuery(parameters: parameters, now: Date()))
        return try APIServer.json(.ok, page.document)
    }

    /// `GET /v1/dead-letters/{id}`: one dead letter, with the message it kept.
    func show(_ idText: String) async throws -> Response {
        guard let id = Int(idText), id > 0 else {
            throw Problem(
                .badRequest, kind: "invalid-id", title: "Invalid id", detail: "a dead letter's id is a positive integer"
            )
        }
        guard let letter = try await client.deadLetter(id) else {
            throw Problem(.notFound, kind: "not-found", title: "Not found", detail: "no dead letter has the id \(id)")
        }
        return try APIServer.json(.ok, letter.document)
    }
}
