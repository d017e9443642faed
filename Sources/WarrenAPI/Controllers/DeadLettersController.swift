import Foundation
import Hummingbird
import Warren

/// `/v1/dead-letters`: the messages workers sent to the dead-letter queues, with why.
struct DeadLettersController: Sendable {
    let client: WarrenClient

    func add(to router: Router<some RequestContext>) {
        router.get("/v1/dead-letters") { request, _ in try await list(request) }
        router.get("/v1/dead-letters/:id") { _, context in try await show(context.parameters.get("id") ?? "") }
    }

    /// `GET /v1/dead-letters?queue=&task=&reason=&since=&limit=&cursor=`: newest first, a page at a
    /// time, with the messages waiting in the dead-letter queues.
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
