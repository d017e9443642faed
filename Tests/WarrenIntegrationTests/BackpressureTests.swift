import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenCore
import WarrenPostgres
import WarrenTesting

/// `WARREN_MAX_WAITING`: a queue that holds its limit of waiting tasks refuses more with a 429,
/// and nothing of a refused submission is written or published.
@Suite(.timeLimit(.minutes(2))) struct BackpressureTests {
    @Test func aFullQueueRefusesSubmissionsUntilItDrains() async throws {
        try await withServers { servers in
            let queue = TestEnvironment.uniqueQueue("full")
            var limited = try await Servers.configuration()
            limited.maximumWaiting = QueueLimits(all: nil, byQueue: [queue: 3])
            let configuration = limited
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            let pool = await servers.pool(uri: configuration.databaseURL)
            let broker = try await servers.broker()
            let submission = #"{"task": "test.echo", "args": {"value": 1}, "queue": "\#(queue)"}"#
            try await withAPI(configuration) { api in
                for _ in 0..<3 { #expect(try await api.postJSON("/v1/tasks", submission).status == .accepted) }
                let refused = try await api.postJSON("/v1/tasks", submission)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.retryAfter == "1")
                #expect(refused.json["type"] == "urn:warren:problem:queue-full")
                #expect(refused.json["detail"]?.stringValue?.contains("WARREN_MAX_WAITING") == true)

                let batch = try await api.postJSON("/v1/tasks/batch", #"{"tasks": [\#(submission), \#(submission)]}"#)
                #expect(batch.json["refused"] == 2)
                #expect(batch.json["results"]?.arrayValue?.map { $0["status"] } == [429, 429])
                await #expect(throws: WarrenError.self) {
                    try await client.enqueue(TestTasks.Echo.self, .init(value: 1), queue: queue)
                }

                let rows = try await pool.query("SELECT count(*) AS n FROM warren.tasks WHERE queue = \(queue)")
                #expect(try rows.first?.decode("n", as: Int.self) == 3)
                #expect(try await broker.declareQueue(queue, passive: true).messageCount == 3)
                let listed = try await api.get("/v1/queues").json["queues"]?.arrayValue?.first {
                    $0["queue"] == .string(queue)
                }
                #expect(listed?["max_waiting"] == 3)

                // Submissions at the same time cannot all take the same room.
                let other = TestEnvironment.uniqueQueue("full")
                let concurrentConfiguration = configuration
                var limited = concurrentConfiguration
                limited.maximumWaiting = QueueLimits(all: nil, byQueue: [other: 3])
                let racer = try await servers.client(limited)
                try await racer.declare(queue: other)
                let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            do {
                                _ = try await racer.submit(
                                    Submission(task: "test.echo", args: ["value": 1], queue: other))
                                return true
                            } catch let error as WarrenError where error.code == .queueFull {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 3)

                // Once a worker has taken them, the queue takes submissions again.
                try await withWorker(queues: [queue], configuration: configuration) {
                    try await eventually("the queue has room again") {
                        try await api.postJSON("/v1/tasks", submission).status == .accepted
                    }
                }
            }
        }
    }

    /// A client that retries a submission with its idempotency key learns that it went through,
    /// though the queue is full now; a key not yet taken, or taken by another request, is answered
    /// as it would be anyway.
    @Test func aRepeatedIdempotencyKeyIsAnsweredAlthoughTheQueueIsFull() async throws {
        try await withServers { servers in
            let queue = TestEnvironment.uniqueQueue("full")
            var limited = try await Servers.configuration()
            limited.maximumWaiting = QueueLimits(all: nil, byQueue: [queue: 1])
            let configuration = limited
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            let broker = try await servers.broker()
            @Sendable func submission(value: Int, key: String) -> String {
                #"{"task": "test.echo", "args": {"value": \#(value)}, "queue": "\#(queue)", "idempotency_key": "\#(key)"}"#
            }
            let key = "order-\(UUID())"
            let first = try await client.enqueue(
                TestTasks.Echo.self, .init(value: 1), queue: queue, idempotencyKey: key)
            let again = try await client.enqueue(
                TestTasks.Echo.self, .init(value: 1), queue: queue, idempotencyKey: key)
            #expect(again.id == first.id)
            try await withAPI(configuration) { api in
                let repeated = try await api.postJSON("/v1/tasks", submission(value: 1, key: key))
                #expect(repeated.status == .ok)
                #expect(repeated.json["id"] == .string(first.id.uuidString.lowercased()))
                let changed = try await api.postJSON("/v1/tasks", submission(value: 2, key: key))
                #expect(changed.status == .conflict)
                let fresh = try await api.postJSON("/v1/tasks", submission(value: 1, key: "order-\(UUID())"))
                #expect(fresh.status == .tooManyRequests)
                #expect(try await broker.declareQueue(queue, passive: true).messageCount == 1)
            }
        }
    }
}
