import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import Warren
import WarrenAMQP
import WarrenAPI
import WarrenPostgres
import WarrenTesting

/// The REST API, served for real, in front of a real worker, broker and database.
@Suite(.timeLimit(.minutes(2))) struct HTTPAPITests {
    @Test func submittedTaskRunsAndItsResultIsVisible() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue()
        try await withWorker(queues: [queue], configuration: configuration) {
            try await withAPI(configuration) { client in
                let submitted = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.echo","args":{"value":{"greeting":"hi","n":2}},"queue":"\#(queue)"}"#)
                #expect(submitted.status == .accepted)
                #expect(submitted.json["state"] == "QUEUED")
                #expect(submitted.json["task"] == "test.echo")
                #expect(submitted.json["queue"] == .string(queue))
                let id = try #require(submitted.json["id"]?.stringValue)
                let finished = try await client.waitForTerminal(id)
                #expect(finished["state"] == "SUCCESS")
                #expect(finished["result"] == ["greeting": "hi", "n": 2])
                #expect(finished["attempts"] == 1)
                #expect(finished["started_at"] != .null && finished["finished_at"] != .null)
            }
        }
    }

    @Test func taskThatThrowsEndsInFailureWithItsError() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue()
        try await withWorker(queues: [queue], configuration: configuration) {
            try await withAPI(configuration) { client in
                let submitted = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.fail","args":{"message":"disk on fire"},"queue":"\#(queue)"}"#)
                let id = try #require(submitted.json["id"]?.stringValue)
                let finished = try await client.waitForTerminal(id)
                #expect(finished["state"] == "FAILURE")
                #expect(finished["error"]?["type"] == "Failure")
                #expect(finished["error"]?["message"] == "disk on fire")
                #expect(finished["result"] == .null)
            }
        }
    }

    @Test func aStatusRequestCanWaitForTheTaskToFinish() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("wait")
            try await servers.client(configuration).declare(queue: queue)
            // A waiting request reads its row every minute besides: within the waits below, only a
            // notice can wake it before they run out (20 s), however busy the machine.
            try await withAPI(configuration, heardRereadInterval: .seconds(60)) { client in
                let submitted = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.sleep","args":{"seconds":0.1},"queue":"\#(queue)"}"#)
                let id = try #require(submitted.json["id"]?.stringValue)
                // No worker yet: the wait runs out, and the answer is the task as it is.
                var start = ContinuousClock.now
                let waiting = try await client.get("/v1/tasks/\(id)?wait=0.3")
                #expect(waiting.status == .ok)
                #expect(waiting.json["state"] == "QUEUED")
                #expect(ContinuousClock.now - start >= .milliseconds(300))
                #expect(try await client.get("/v1/tasks/\(id)?wait=soon").status == .badRequest)
                #expect(try await client.get("/v1/tasks/\(id)?wait=61").status == .badRequest)
                // A revoke finishes a task too, and wakes its waiters.
                let other = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.sleep","args":{"seconds":0.1},"queue":"\#(queue)"}"#)
                let otherID = try #require(other.json["id"]?.stringValue)
                async let revokedWhileWaiting = client.get("/v1/tasks/\(otherID)?wait=20")
                try await Task.sleep(for: .milliseconds(100))
                // Through a client of its own: the test client's one connection is busy waiting.
                let revoker = try await servers.client(configuration)
                _ = try await revoker.revoke(try #require(UUID(uuidString: otherID)), terminate: false)
                // The revoke's notice wakes the request, long before its wait runs out.
                start = ContinuousClock.now
                #expect(try await revokedWhileWaiting.json["state"] == "REVOKED")
                #expect(ContinuousClock.now - start < .seconds(10))
                try await withWorker(queues: [queue], configuration: configuration) {
                    let finished = try await client.get("/v1/tasks/\(id)?wait=20")
                    let answered = Date()
                    #expect(finished.json["state"] == "SUCCESS")
                    // The worker's notice wakes the request, long before its wait runs out: timed from
                    // the outcome's commit (its finished_at, on this machine's clock) to the answer.
                    let finishedAt = try #require(
                        finished.json["finished_at"]?.stringValue.flatMap(ISO8601Timestamp.parse))
                    #expect(answered.timeIntervalSince(finishedAt) < 10)
                }
            }
        }
    }

    @Test func aCountdownAndARetryPolicyCanBeGivenOverREST() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue()
        try await withWorker(queues: [queue], configuration: configuration) {
            try await withAPI(configuration) { client in
                // 3 s: the countdown runs from the submission, and a fresh API first declares the
                // delay queues (over a second on a busy machine), so the GET below still sees it waiting.
                let submitted = try await client.postJSON(
                    "/v1/tasks",
                    #"{"task":"test.flaky","args":{"failures":1,"retryable":false},"queue":"\#(queue)","countdown":3,"max_retries":2,"retry":{"on":"any","backoff":"fixed","delay":1}}"#
                )
                #expect(submitted.status == .accepted)
                #expect(submitted.json["state"] == "SCHEDULED")
                let id = try #require(submitted.json["id"]?.stringValue)
                let scheduled = try await client.get("/v1/tasks/\(id)").json
                #expect(scheduled["state"] == "SCHEDULED")
                #expect(scheduled["eta"]?.stringValue != nil)
                // Not retryable by the task's own policy; the submission's policy retries any error.
                let finished = try await client.waitForTerminal(id)
                #expect(finished["state"] == "SUCCESS")
                #expect(finished["result"] == 2)
                #expect(finished["attempts"] == 2)
            }
        }
    }

    @Test func aRevokedTaskNeverStartsAndATerminatedOneStops() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("revoke")
        try await withWorker(queues: [queue], concurrency: 1, configuration: configuration) {
            try await withAPI(configuration) { client in
                // Waiting in the delay queues: revoked, it never starts. The countdown runs from
                // the submission, and a fresh API first declares the delay queues (on a busy
                // machine that took over a second): 3 s leaves time to revoke it before it is due.
                let scheduled = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.count","args":{},"queue":"\#(queue)","countdown":3}"#)
                let scheduledID = try #require(scheduled.json["id"]?.stringValue)
                let due = try #require(
                    try await client.get("/v1/tasks/\(scheduledID)").json["eta"]?.stringValue.flatMap(
                        ISO8601Timestamp.parse))
                let revoked = try await client.postJSON("/v1/tasks/\(scheduledID)/revoke", "")
                #expect(revoked.status == .ok)
                #expect(revoked.json["state"] == "REVOKED")

                // Running: refused without terminate, cancelled with it, and its slot is freed.
                let running = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.sleep","args":{"seconds":30},"queue":"\#(queue)"}"#)
                let runningID = try #require(running.json["id"]?.stringValue)
                try await eventually("the task started") {
                    try await client.get("/v1/tasks/\(runningID)").json["state"] == "STARTED"
                }
                let refused = try await client.postJSON("/v1/tasks/\(runningID)/revoke", "")
                #expect(refused.status == .conflict)
                #expect(refused.json["type"] == "urn:warren:problem:conflict")
                let terminated = try await client.postJSON("/v1/tasks/\(runningID)/revoke", #"{"terminate":true}"#)
                #expect(terminated.json["state"] == "REVOKED")
                let next = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.echo","args":{"value":"next"},"queue":"\#(queue)"}"#)
                let nextID = try #require(next.json["id"]?.stringValue)
                #expect(try await client.waitForTerminal(nextID)["state"] == "SUCCESS")

                // The scheduled one's message has arrived by now, and was not run.
                try await Task.sleep(for: .seconds(max(0, due.timeIntervalSinceNow) + 1))
                let never = try await client.get("/v1/tasks/\(scheduledID)").json
                #expect(never["state"] == "REVOKED")
                #expect(never["attempts"] == 0)
                #expect(try await client.get("/v1/tasks/\(runningID)").json["state"] == "REVOKED")

                let finished = try await client.postJSON("/v1/tasks/\(nextID)/revoke", "")
                #expect(finished.status == .conflict)
                #expect(try await client.postJSON("/v1/tasks/\(UUID().uuidString)/revoke", "").status == .notFound)
                #expect(
                    try await client.postJSON("/v1/tasks/\(nextID)/revoke", #"{"terminate":"yes"}"#).status
                        == .unprocessableContent)
            }
        }
    }

    @Test func aRepeatedIdempotencyKeyReturnsTheFirstTaskAndPublishesNothing() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("idem")
            let key = "order-\(UUID().uuidString)"
            // A worker advertises the test tasks, then stops: the messages stay countable in the queue.
            try await withWorker(queues: [queue], configuration: configuration) {}
            try await withAPI(configuration) { client in
                let body = #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)","idempotency_key":"\#(key)"}"#
                let first = try await client.postJSON("/v1/tasks", body)
                #expect(first.status == .accepted)
                let again = try await client.postJSON("/v1/tasks", body)
                #expect(again.status == .ok)
                #expect(again.json["id"] == first.json["id"])
                // The same key with another task, arguments or options is another request: 409.
                for other in [
                    #"{"task":"test.echo","args":{"value":2},"queue":"\#(queue)","idempotency_key":"\#(key)"}"#,
                    #"{"task":"test.sleep","args":{"seconds":1},"queue":"\#(queue)","idempotency_key":"\#(key)"}"#,
                    #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)","idempotency_key":"\#(key)","priority":5}"#,
                    #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)","idempotency_key":"\#(key)","countdown":30}"#,
                    #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)","idempotency_key":"\#(key)","max_retries":0}"#,
                ] {
                    let reused = try await client.postJSON("/v1/tasks", other)
                    #expect(reused.status == .conflict, "\(other)")
                    #expect(reused.json["type"] == "urn:warren:problem:idempotency-key-reused")
                    #expect(reused.json["detail"]?.stringValue?.contains(key) == true)
                }
                // Spelled differently, the same request is the same: key order, an explicit default priority.
                let reordered = try await client.postJSON(
                    "/v1/tasks",
                    #"{"idempotency_key":"\#(key)","priority":0,"queue":"\#(queue)","args":{"value":1.0},"task":"test.echo"}"#
                )
                #expect(reordered.status == .ok)
                #expect(reordered.json["id"] == first.json["id"])
                let typed = try await servers.client(configuration)
                await #expect {
                    try await typed.enqueue(TestTasks.Echo.self, .init(value: 3), queue: queue, idempotencyKey: key)
                } throws: { error in
                    (error as? WarrenError)?.code == .idempotencyKeyReused
                }
                let broker = try await servers.broker()
                #expect(try await broker.declareQueue(queue, passive: true).messageCount == 1)
            }
        }
    }

    @Test func higherPriorityTasksRunFirst() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("priority")
            try await withWorker(queues: [queue], configuration: configuration) {}
            let client = try await servers.client(configuration)
            // Queued while no worker consumes: the broker orders them by priority.
            let low = try await client.enqueue(
                TestTasks.Echo.self, batch: (0..<5).map { .init(value: JSONValue($0)) }, queue: queue)
            let high = try await client.enqueue(TestTasks.Echo.self, .init(value: "urgent"), queue: queue, priority: 9)
            try await withWorker(queues: [queue], concurrency: 1, configuration: configuration) {
                for handle in low { _ = try await handle.result(timeout: .seconds(15)) }
            }
            let urgent = try #require(try await client.status(of: high.id)?.startedAt)
            for handle in low {
                #expect(try #require(try await client.status(of: handle.id)?.startedAt) > urgent)
            }
        }
    }

    @Test func badRequestsGetProblemDocuments() async throws {
        var configuration = try await Servers.configuration()
        configuration.maximumBodyBytes = 2048
        // A worker advertises the test tasks, so argument validation has a schema to use.
        try await withWorker(queues: [TestEnvironment.uniqueQueue()], configuration: configuration) {
            try await withAPI(configuration) { client in
                let cases: [(body: String, status: HTTPResponse.Status, kind: String)] = [
                    (#"{"task":"no_such_task","args":{}}"#, .unprocessableContent, "unknown-task"),
                    (#"{"task":"test.sleep","args":"#, .badRequest, "malformed-json"),
                    (#"[1,2]"#, .unprocessableContent, "invalid-arguments"),
                    (#"{"args":{}}"#, .unprocessableContent, "invalid-arguments"),
                    (#"{"task":"test.sleep","args":{"seconds":"soon"}}"#, .unprocessableContent, "invalid-arguments"),
                    (#"{"task":"test.sleep","args":{}}"#, .unprocessableContent, "invalid-arguments"),
                    (
                        #"{"task":"test.sleep","args":{"seconds":1},"priority":"high"}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.sleep","args":{"seconds":1},"queue":"x.dead"}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":"\#(String(repeating: "x", count: 4096))"}}"#,
                        .contentTooLarge, "body-too-large"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"countdown":-1}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"countdown":5,"eta":"2030-01-01T00:00:00Z"}"#,
                        .unprocessableContent, "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"eta":"next tuesday"}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"eta":"2099-01-01T00:00:00Z"}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"max_retries":2000}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"retry":{"backoff":"linear"}}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (#"{"task":"test.echo","args":{"value":"a\u0000b"}}"#, .unprocessableContent, "invalid-arguments"),
                    // Numbers no Int can hold: refused by name, and the API lives on to answer the next case.
                    (
                        #"{"task":"test.echo","args":{"value":1},"retry":{"max_retries":1e300}}"#,
                        .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"max_retries":1e300}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"priority":-1e300}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (
                        #"{"task":"test.echo","args":{"value":1},"countdown":1e300}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                    (#"{"task":"test.echo","args":{"value":1e400}}"#, .badRequest, "malformed-json"),
                    (
                        #"{"task":"test.echo","args":{"value":1},"idempotency_key":"k\u0000"}"#, .unprocessableContent,
                        "invalid-arguments"
                    ),
                ]
                for item in cases {
                    let response = try await client.postJSON("/v1/tasks", item.body)
                    #expect(response.status == item.status, "\(item.body.prefix(80))")
                    #expect(response.contentType == "application/problem+json")
                    #expect(
                        response.json["type"] == .string("urn:warren:problem:\(item.kind)"), "\(item.body.prefix(80))")
                    #expect(response.json["status"] == JSONValue(item.status.code))
                }
                let wrongTypes = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.sleep","args":{"seconds":"soon"}}"#)
                #expect(wrongTypes.json["errors"] == ["$.seconds: expected number, got string"])
                let wrongRetry = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.echo","args":{"value":1},"retry":{"backoff":"linear","colour":"red"}}"#
                )
                #expect(
                    wrongRetry.json["errors"] == [
                        "$.retry.colour: is not a known field", "$.retry.backoff: must be one of fixed, exponential",
                    ])

                let badID = try await client.get("/v1/tasks/not-a-uuid")
                #expect(badID.status == .badRequest)
                let unknown = try await client.get("/v1/tasks/\(UUID().uuidString)")
                #expect(unknown.status == .notFound)
                #expect(unknown.json["type"] == "urn:warren:problem:not-found")
            }
        }
    }

    @Test func aSubmissionMayNameOnlyAQueueAWorkerConsumesOrAnOperatorDeclared() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let consumed = TestEnvironment.uniqueQueue("invited")
            let stranger = TestEnvironment.uniqueQueue("junk")
            let broker = try await servers.broker()
            try await withWorker(queues: [consumed], configuration: configuration) {
                try await withAPI(configuration) { client in
                    func submit(to queue: String) async throws -> APIResponse {
                        try await client.postJSON(
                            "/v1/tasks", #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)"}"#)
                    }
                    #expect(try await submit(to: consumed).status == .accepted)
                    let refused = try await submit(to: stranger)
                    #expect(refused.status == .unprocessableContent)
                    #expect(refused.json["type"] == "urn:warren:problem:unknown-queue")
                    #expect(refused.json["detail"]?.stringValue?.contains(stranger) == true)
                    // Nothing was declared in RabbitMQ for it.
                    let probe = try await servers.broker()
                    await #expect(throws: AMQPError.self) { try await probe.declareQueue(stranger, passive: true) }
                    // Declared by an operator, it may be named, and RabbitMQ has it and its dead-letter queue.
                    try await servers.client(configuration).declare(queue: stranger)
                    try await eventually("the declaration is seen") {
                        try await submit(to: stranger).status == .accepted
                    }
                    #expect(try await broker.declareQueue(stranger, passive: true).messageCount >= 1)
                    _ = try await broker.declareQueue(stranger + ".dead", passive: true)
                    try await broker.deleteQueue(stranger)
                    try await broker.deleteQueue(stranger + ".dead")
                    for reserved in [
                        "warren.delay.3", "\(consumed).dead", "amq.direct", String(repeating: "q", count: 201), "a#b",
                    ] {
                        let response = try await submit(to: reserved)
                        #expect(response.status == .unprocessableContent, "\(reserved)")
                        #expect(response.json["type"] == "urn:warren:problem:invalid-arguments", "\(reserved)")
                        #expect(response.json["detail"]?.stringValue?.hasPrefix("$.queue: ") == true, "\(reserved)")
                    }
                }
            }
            await #expect(throws: WarrenError.self) {
                try await servers.client(configuration).declare(queue: "warren.delay.9")
            }
        }
    }

    @Test func integersKeepEveryDigitThroughTheAPITheWorkerAndTheRow() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("digits")
            let value = #"{"big":123456789012345678901234,"id19":1234567890123456789,"user_id":9007199254740993}"#
            try await withWorker(queues: [queue], configuration: configuration) {
                try await withAPI(configuration) { client in
                    let submitted = try await client.postJSON(
                        "/v1/tasks", #"{"task":"test.echo","args":{"value":\#(value)},"queue":"\#(queue)"}"#)
                    let id = try #require(submitted.json["id"]?.stringValue)
                    let finished = try await client.waitForTerminal(id)
                    #expect(finished["state"] == "SUCCESS")
                    #expect(finished["result"]?.jsonText == value)
                    #expect(finished["args"]?["value"]?.jsonText == value)
                    let pool = await servers.pool(uri: configuration.databaseURL)
                    let taskID = try #require(UUID(uuidString: id))
                    let rows = try await pool.query(
                        "SELECT args->'value'->>'user_id' AS arg, result::text AS result FROM warren.tasks WHERE id = \(taskID)"
                    )
                    let first: PostgresRow? = rows.first
                    let row = try #require(first)
                    #expect(try row.decode("arg", as: String.self) == "9007199254740993")
                    #expect(
                        try JSONValue(parsing: Array(try row.decode("result", as: String.self).utf8)).jsonText == value)
                }
                // The typed client, over the same path.
                let typed = try await servers.client(configuration)
                let handle = try await typed.enqueue(
                    TestTasks.Echo.self, .init(value: try JSONValue(parsing: Array(value.utf8))), queue: queue)
                #expect(try await handle.result(timeout: .seconds(15)).jsonText == value)
            }
        }
    }

    @Test func longPollsAreCappedAndTheNextOneGetsA503WithRetryAfter() async throws {
        try await withServers { servers in
            var limited = try await Servers.configuration()
            limited.maximumWaiters = 2
            let configuration = limited
            let queue = TestEnvironment.uniqueQueue("waiters")
            // A worker advertises the test tasks, then stops: the task stays QUEUED until the
            // worker below runs it.
            try await withWorker(queues: [queue], configuration: configuration) {}
            try await withAPI(configuration) { client in
                let submitted = try await client.postJSON(
                    "/v1/tasks", #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)"}"#)
                let id = try #require(submitted.json["id"]?.stringValue)
                // Three wait at once for two places. Nothing ends a wait before the worker starts,
                // so exactly one is refused, and the other two hold their places meanwhile.
                try await withThrowingTaskGroup(of: APIResponse.self) { group in
                    for _ in 0..<3 {
                        group.addTask { try await client.getAlongside("/v1/tasks/\(id)?wait=30") }
                    }
                    let refused = try #require(try await group.next())
                    #expect(refused.status == .serviceUnavailable)
                    #expect(refused.json["type"] == "urn:warren:problem:too-many-waiters")
                    #expect(refused.retryAfter == "1")
                    // Submissions and plain reads do not wait behind the waiters: they are answered
                    // while both still wait, since only the worker started after them ends the waits
                    // (had they waited the full 30 s, the waiters would answer QUEUED, not SUCCESS).
                    #expect(
                        try await client.postJSON(
                            "/v1/tasks", #"{"task":"test.echo","args":{"value":2},"queue":"\#(queue)"}"#
                        ).status == .accepted)
                    #expect(try await client.get("/v1/tasks/\(id)").status == .ok)
                    try await withWorker(queues: [queue], configuration: configuration) {
                        for try await answered in group {
                            #expect(answered.status == .ok)
                            #expect(answered.json["state"] == "SUCCESS")
                        }
                    }
                }
                // Their places are free again.
                #expect(try await client.get("/v1/tasks/\(id)?wait=0.05").status == .ok)
            }
        }
    }

    /// The API's body limit and the workers' message limit agree: the largest submission the API
    /// takes makes a message a worker runs (written back, no escape grows), and a message over the
    /// workers' limit is dead-lettered, not run.
    @Test func whatTheAPIAcceptsTheWorkersRunAndAnOversizedMessageIsDeadLettered() async throws {
        var limited = try await Servers.configuration()
        limited.maximumBodyBytes = 65_536
        let configuration = limited
        let queue = TestEnvironment.uniqueQueue("limits")
        try await withServers { servers in
            let broker = try await servers.broker()
            try await withWorker(queues: [queue], configuration: configuration) {
                try await withAPI(configuration) { client in
                    let escapes = String(repeating: #"\b"#, count: 32_000)
                    let body = #"{"task":"test.echo","args":{"value":"\#(escapes)"},"queue":"\#(queue)"}"#
                    #expect(body.utf8.count > 64_000 && body.utf8.count <= 65_536)
                    let submitted = try await client.postJSON("/v1/tasks", body)
                    #expect(submitted.status == .accepted)
                    let id = try #require(submitted.json["id"]?.stringValue)
                    let finished = try await client.waitForTerminal(id)
                    #expect(finished["state"] == "SUCCESS")
                    #expect(finished["result"]?.stringValue == String(repeating: "\u{8}", count: 32_000))
                    // Numbers are written out in full: within the body limit as sent, over it as written.
                    let numbers = Array(repeating: "1e39", count: 12_000).joined(separator: ",")
                    let expanding = try await client.postJSON(
                        "/v1/tasks", #"{"task":"test.echo","args":{"value":[\#(numbers)]},"queue":"\#(queue)"}"#)
                    #expect(expanding.status == .contentTooLarge)
                    #expect(expanding.json["type"] == "urn:warren:problem:body-too-large")
                }
                try await broker.publish(
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue, properties: AMQPProperties(),
                        body: Array(repeating: UInt8(ascii: " "), count: configuration.maximumMessageBytes + 1)))
                var letter: AMQPDelivery?
                try await eventually("the oversized message was dead-lettered") {
                    letter = try await broker.get(queue: Topology.deadLetterQueue(of: queue))
                    return letter != nil
                }
                #expect(letter?.properties.headers["x-warren-reason"] == .string("invalid_message"))
                #expect(
                    letter?.properties.headers["x-warren-error"]?.stringValue?.contains("over the workers' limit")
                        == true)
            }
        }
    }

    @Test func aRevokeBodyOverTheLimitIsA413() async throws {
        var configuration = try await Servers.configuration()
        configuration.maximumBodyBytes = 64
        try await withAPI(configuration) { client in
            let response = try await client.postJSON(
                "/v1/tasks/\(UUID().uuidString)/revoke",
                #"{"terminate":true,"padding":"\#(String(repeating: "x", count: 200))"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.json["type"] == "urn:warren:problem:body-too-large")
        }
    }

    @Test func healthAndReadiness() async throws {
        let configuration = try await Servers.configuration()
        try await withAPI(configuration) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json == ["status": "ready", "rabbitmq": "ok", "postgresql": "ok"])
        }
        var broken = configuration
        broken.amqpURL = "amqp://guest:guest@127.0.0.1:1/%2f"
        try await withAPI(broken) { client in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["rabbitmq"] == "unreachable")
            #expect(ready.json["postgresql"] == "ok")
        }
    }

    @Test func apiKeysProtectEverythingButHealth() async throws {
        var configuration = try await Servers.configuration()
        configuration.apiKeys = ["k-123"]
        try await withAPI(configuration) { client in
            #expect(try await client.get("/healthz").status == .ok)
            let refused = try await client.get("/v1/tasks/\(UUID().uuidString)")
            #expect(refused.status == .unauthorized)
            let allowed = try await client.get(
                "/v1/tasks/\(UUID().uuidString)", headers: [.authorization: "Bearer k-123"])
            #expect(allowed.status == .notFound)
        }
    }
}
