import Foundation
import Hummingbird
import NIOCore
import Warren

/// `/v1/tasks`: submit a task, read its state.
struct TasksController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int
    let waiters: WaiterLimit

    func add(to router: Router<some RequestContext>) {
        router.post("/v1/tasks") { request, _ in try await submit(request) }
        router.get("/v1/tasks/:id") { request, context in
            try await status(context.parameters.get("id") ?? "", wait: request.uri.queryParameters.get("wait"))
        }
        router.post("/v1/tasks/:id/revoke") { request, context in
            try await revoke(context.parameters.get("id") ?? "", request)
        }
    }

    /// `POST /v1/tasks/{id}/revoke` with an optional `{"terminate": true}`.
    func revoke(_ idText: String, _ request: Request) async throws -> Response {
        let id = try Self.taskID(idText)
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let document = body.readableBytes > 0 ? try JSONValue(parsing: body.readableBytesView) : .object([:])
        let problems = Self.revokeSchema.violations(of: document)
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        let terminate = document["terminate"] == .bool(true)
        return try APIServer.json(.ok, Self.document(try await client.revoke(id, terminate: terminate)))
    }

    /// The body `POST /v1/tasks/{id}/revoke` takes: nothing, or `{"terminate": true|false}`.
    static let revokeSchema = JSONSchema([
        "type": "object", "properties": ["terminate": ["type": ["boolean", "null"]]], "additionalProperties": false,
    ])

    func submit(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let document = try JSONValue(parsing: body.readableBytesView)
        let submission = try Submission(document: document)
        let receipt = try await client.submit(submission)
        return try APIServer.json(
            receipt.created ? .accepted : .ok,
            [
                "id": .string(receipt.id.uuidString.lowercased()), "state": .string(receipt.state.rawValue),
                "task": .string(receipt.task), "queue": .string(receipt.queue),
            ])
    }

    static func taskID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw Problem(.badRequest, kind: "invalid-id", title: "Invalid id", detail: "a task id is a UUID")
        }
        return id
    }

    /// The longest `wait` a status request may ask for.
    static let maximumWait = 60.0

    /// `GET /v1/tasks/{id}`, with `?wait=<seconds>` answering once the task is finished or that
    /// time has passed, whichever comes first (a long poll).
    func status(_ idText: String, wait waitText: String?) async throws -> Response {
        let id = try Self.taskID(idText)
        var wait = 0.0
        if let waitText {
            guard let seconds = Double(waitText), seconds >= 0, seconds <= Self.maximumWait else {
                throw WarrenError(
                    .invalidArguments, "wait: must be a number of seconds from 0 to \(Int(Self.maximumWait))")
            }
            wait = seconds
        }
        let record =
            wait > 0
            ? try await waiters.withPlace { try await client.status(of: id, waitingUpTo: .seconds(wait)) }
            : try await client.status(of: id)
        guard let record else {
            throw Problem(
                .notFound, kind: "not-found", title: "Not found",
                detail: "no task has the id \(id.uuidString.lowercased())")
        }
        return try APIServer.json(.ok, Self.document(record))
    }

    static func document(_ record: TaskRecord) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Timestamp.format($0)) } ?? .null }
        return [
            "id": .string(record.id.uuidString.lowercased()), "task": .string(record.task),
            "queue": .string(record.queue), "state": .string(record.state.rawValue), "args": record.args,
            "result": record.result ?? .null, "error": record.error ?? .null,
            "attempts": JSONValue(record.attempts), "priority": JSONValue(record.priority),
            "worker": record.worker.map(JSONValue.string) ?? .null, "created_at": time(record.createdAt),
            "queued_at": time(record.queuedAt), "started_at": time(record.startedAt),
            "finished_at": time(record.finishedAt), "eta": time(record.eta),
        ]
    }
}
