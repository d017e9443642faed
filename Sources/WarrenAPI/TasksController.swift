import Foundation
import Hummingbird
import NIOCore
import Warren

/// `/v1/tasks`: submit a task, read its state.
struct TasksController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int

    func add(to router: Router<some RequestContext>) {
        router.post("/v1/tasks") { request, _ in try await submit(request) }
        router.get("/v1/tasks/:id") { _, context in try await status(context.parameters.get("id") ?? "") }
    }

    func submit(_ request: Request) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, kind: "body-too-large", title: "Body too large",
                detail: "the request body is over the limit of \(maximumBodyBytes) bytes")
        }
        let document = try JSONValue(parsing: body.readableBytesView)
        let submission = try Self.submission(from: document)
        let receipt = try await client.submit(submission)
        return try APIServer.json(
            receipt.created ? .accepted : .ok,
            [
                "id": .string(receipt.id.uuidString.lowercased()), "state": .string(receipt.state.rawValue),
                "task": .string(receipt.task), "queue": .string(receipt.queue),
            ])
    }

    func status(_ idText: String) async throws -> Response {
        guard let id = UUID(uuidString: idText) else {
            throw Problem(.badRequest, kind: "invalid-id", title: "Invalid id", detail: "a task id is a UUID")
        }
        guard let record = try await client.status(of: id) else {
            throw Problem(.notFound, kind: "not-found", title: "Not found", detail: "no task has the id \(id.uuidString.lowercased())")
        }
        return try APIServer.json(.ok, Self.document(record))
    }

    /// Reads `{"task", "args", "queue"?, "priority"?, "idempotency_key"?}`, naming each field that is wrong.
    static func submission(from document: JSONValue) throws -> Submission {
        guard case .object(let fields) = document else {
            throw WarrenError(.invalidArguments, "$: the body must be a JSON object")
        }
        var problems: [String] = []
        let known: Set<String> = ["task", "args", "queue", "priority", "idempotency_key"]
        for name in fields.keys.sorted() where !known.contains(name) {
            problems.append("$.\(name): is not a known field")
        }
        let task = fields["task"]?.stringValue
        if task == nil { problems.append("$.task: is required and must be a string") }
        func optionalString(_ name: String) -> String? {
            guard let value = fields[name], value != .null else { return nil }
            guard let text = value.stringValue else {
                problems.append("$.\(name): must be a string")
                return nil
            }
            return text
        }
        let queue = optionalString("queue")
        let idempotencyKey = optionalString("idempotency_key")
        var priority: Int?
        if let value = fields["priority"], value != .null {
            if case .number(let number) = value, number.rounded() == number, (0...9).contains(number) {
                priority = Int(number)
            } else {
                problems.append("$.priority: must be an integer from 0 to 9")
            }
        }
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        return Submission(
            task: task!, args: fields["args"] ?? .object([:]), queue: queue, priority: priority,
            idempotencyKey: idempotencyKey)
    }

    static func document(_ record: TaskRecord) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Timestamp.format($0)) } ?? .null }
        return [
            "id": .string(record.id.uuidString.lowercased()), "task": .string(record.task),
            "queue": .string(record.queue), "state": .string(record.state.rawValue), "args": record.args,
            "result": record.result ?? .null, "error": record.error ?? .null,
            "attempts": .number(Double(record.attempts)), "priority": .number(Double(record.priority)),
            "worker": record.worker.map(JSONValue.string) ?? .null, "created_at": time(record.createdAt),
            "queued_at": time(record.queuedAt), "started_at": time(record.startedAt),
            "finished_at": time(record.finishedAt),
        ]
    }
}
