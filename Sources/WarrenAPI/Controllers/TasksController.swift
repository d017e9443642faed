import Foundation
import Hummingbird
import NIOCore
import Warren

/// `/v1/tasks`: submit a task, read its state and history, list the history.
struct TasksController: Sendable {
    let client: WarrenClient
    let maximumBodyBytes: Int
    let waiters: WaiterLimit

    func add(to router: Router<APIRequestContext>) {
        router.post("/v1/tasks") { request, context in try await submit(request, by: context.caller) }
        router.post("/v1/tasks/batch") { request, context in try await submitBatch(request, by: context.caller) }
        router.get("/v1/tasks") { request, _ in try await list(request) }
        router.get("/v1/tasks/:id/events") { _, context in try await events(context.parameters.get("id") ?? "") }
        router.get("/v1/tasks/:id/stream") { _, context in try await stream(context.parameters.get("id") ?? "") }
        router.get("/v1/tasks/:id") { request, context in
            try await status(
                context.parameters.get("id") ?? "", wait: request.uri.queryParameters.get("wait"),
                progress: request.uri.queryParameters.get("progress"))
        }
        router.post("/v1/tasks/:id/revoke") { request, context in
            try await revoke(context.parameters.get("id") ?? "", request, by: context.caller)
        }
    }

    /// `POST /v1/tasks/{id}/revoke` with an optional `{"terminate": true}`. A `submit` key
    /// revokes only the tasks it submitted.
    func revoke(_ idText: String, _ request: Request, by caller: Caller?) async throws -> Response {
        let id = try Self.taskID(idText)
        if let caller, caller.role < .admin {
            guard let record = try await client.status(of: id) else { throw Self.notFound(id) }
            guard record.apiKeyID != nil, record.apiKeyID == caller.keyID else {
                throw Problem(
                    .forbidden, kind: "forbidden", title: "Forbidden",
                    detail: "a submit key revokes only the tasks it submitted; this one was not")
            }
        }
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let document = body.readableBytes > 0 ? try JSONValue(parsing: body.readableBytesView) : .object([:])
        let problems = Self.revokeSchema.violations(of: document)
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        let terminate = document["terminate"] == .bool(true)
        return try APIServer.json(.ok, try await client.revoke(id, terminate: terminate).document)
    }

    /// The body `POST /v1/tasks/{id}/revoke` takes: nothing, or `{"terminate": true|false}`.
    static let revokeSchema = JSONSchema([
        "type": "object", "properties": ["terminate": ["type": ["boolean", "null"]]], "additionalProperties": false,
    ])

    func submit(_ request: Request, by caller: Caller?) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        var submission = try Submission(document: try JSONValue(parsing: body.readableBytesView))
        submission.apiKeyID = caller?.keyID
        let receipt = try await client.submit(submission)
        return try APIServer.json(receipt.created ? .accepted : .ok, receipt.document)
    }

    /// The most tasks `POST /v1/tasks/batch` takes.
    static let maximumBatchSize = 1000

    /// `POST /v1/tasks/batch` with `{"tasks": [submission, …]}`: every valid task in one transaction
    /// and one confirm window. One invalid task fails only itself: the answer is 200 with a result
    /// for each, in order, as `POST /v1/tasks` would answer it alone, with its `status`.
    func submitBatch(_ request: Request, by caller: Caller?) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes)
        let document = try JSONValue(parsing: body.readableBytesView)
        guard case .object(let fields) = document, fields.count == 1, let items = fields["tasks"]?.arrayValue else {
            throw WarrenError(.invalidArguments, "$: the body must be {\"tasks\": [task, …]}")
        }
        guard items.count <= Self.maximumBatchSize else {
            throw Problem(
                .unprocessableContent, kind: "batch-too-large", title: "Batch too large",
                detail:
                    "the batch holds \(items.count) tasks, over the limit of \(Self.maximumBatchSize); send it in parts"
            )
        }
        guard !items.isEmpty else { throw WarrenError(.invalidArguments, "$.tasks: must hold at least one task") }
        let decoded = items.map { item in
            Result {
                var submission = try Submission(document: item)
                submission.apiKeyID = caller?.keyID
                return submission
            }
        }
        var submitted = try await client.submit(batch: decoded.compactMap { try? $0.get() }).makeIterator()
        var results: [JSONValue] = []
        var accepted = 0
        for (index, item) in decoded.enumerated() {
            var result: [String: JSONValue]
            switch item.map({ _ in submitted.next()! }) {
            case .success(.success(let receipt)):
                accepted += 1
                result = receipt.members
                result["status"] = JSONValue(receipt.created ? 202 : 200)
            case .success(.failure(let error)), .failure(let error):
                result = Problem.from(error).members(instance: request.uri.path)
            }
            result["index"] = JSONValue(index)
            results.append(.object(result))
        }
        return try APIServer.json(
            .ok,
            ["results": .array(results), "accepted": JSONValue(accepted), "refused": JSONValue(items.count - accepted)])
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
    /// time has passed, whichever comes first (a long poll); with `&progress=true` also as soon as
    /// it reports progress.
    func status(_ idText: String, wait waitText: String?, progress progressText: String?) async throws -> Response {
        let id = try Self.taskID(idText)
        var wait = 0.0
        if let waitText {
            guard let seconds = Double(waitText), seconds >= 0, seconds <= Self.maximumWait else {
                throw WarrenError(
                    .invalidParameter, "wait: must be a number of seconds from 0 to \(Int(Self.maximumWait))")
            }
            wait = seconds
        }
        guard progressText == nil || progressText == "true" || progressText == "false" else {
            throw WarrenError(.invalidParameter, "progress: true or false")
        }
        let orProgress = progressText == "true"
        let record =
            wait > 0
            ? try await waiters.withPlace {
                try await client.status(of: id, waitingUpTo: .seconds(wait), orProgress: orProgress)
            }
            : try await client.status(of: id)
        guard let record else { throw Self.notFound(id) }
        return try APIServer.json(.ok, record.document)
    }

    /// `GET /v1/tasks?state=&task=&queue=&since=&until=&limit=&cursor=`: the history, newest first,
    /// a page at a time.
    func list(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let page = try await client.tasks(matching: try TaskQuery(parameters: parameters, now: Date()))
        return try APIServer.json(.ok, page.document)
    }

    /// `GET /v1/tasks/{id}/events`: every state the task went through, in order.
    func events(_ idText: String) async throws -> Response {
        let id = try Self.taskID(idText)
        guard let events = try await client.events(of: id) else { throw Self.notFound(id) }
        return try APIServer.json(
            .ok, TaskEvent.document(of: id, events))
    }

    /// `GET /v1/tasks/{id}/stream`: Server-Sent Events, an `event: state` with the task's document
    /// at once and at each change of state, an `event: progress` at each report of progress, and a
    /// comment every 15 s while nothing changes; it ends once the task is finished. It holds a
    /// waiter's place (`WARREN_MAX_WAITERS`) while it lasts.
    func stream(_ idText: String) async throws -> Response {
        let id = try Self.taskID(idText)
        let place = try waiters.enter()
        let changes = try await client.changes(of: id)
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                defer { withExtendedLifetime(place) {} }
                var state: TaskState?
                for try await change in changes {
                    guard let change else {
                        try await writer.write(ByteBuffer(string: ": nothing new\n\n"))
                        continue
                    }
                    let event = change.state == state ? "progress" : "state"
                    state = change.state
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(change.document.jsonText)\n\n"))
                }
                try await writer.finish(nil)
            })
    }

    static func notFound(_ id: UUID) -> Problem {
        Problem(
            .notFound, kind: "not-found", title: "Not found", detail: "no task has the id \(id.uuidString.lowercased())"
        )
    }
}
