import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// A recorded delivery's ack may wait up to the worker's `ackDelay` to share a `multiple` ack with
/// others, but it always goes: when the delay passes, when the worker stops, and at once when
/// waiting would hold back deliveries the prefetch window has no room for.
///
/// Whether an ack went out is seen once the worker's connection is gone: the broker puts an unacked
/// delivery back in its queue.
@Suite(.timeLimit(.minutes(2))) struct AckDelayTests {
    let configuration: Configuration
    let client: WarrenClient
    let broker: AMQPConnection

    /// What the suite opens, closed at the end of each test (``Opened/closing(after:)``).
    let opened = Opened()

    init() async throws {
        configuration = try await Servers.configuration()
        client = try await opened.client(configuration)
        broker = try await opened.broker()
    }

    /// The messages ready in `queue` once the broker has seen its consumer go.
    func messagesLeftBehind(in queue: String) async throws -> Int {
        try await eventually("the broker saw the worker's connection drop") {
            try await broker.declareQueue(queue, passive: true).consumerCount == 0
        }
        return try await broker.declareQueue(queue, passive: true).messageCount
    }

    /// A worker that can be cut off from RabbitMQ, and cannot reconnect until `proxy.restore()`.
    func withCutOffWorker(
        queue: String, ackDelay: Duration, _ body: (TCPProxy) async throws -> Void
    ) async throws {
        let proxy = try await opened.proxyToRabbitMQ()
        try await withWorker(
            queues: [queue], concurrency: 1, prefetch: 8, ackDelay: ackDelay,
            configuration: try configuration.reachingRabbitMQ(through: proxy)
        ) {
            try await body(proxy)
            proxy.restore()
        }
    }

    @Test func anAckIsHeldUntilItsDelay() async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("ack")
            try await withCutOffWorker(queue: queue, ackDelay: .seconds(60)) { proxy in
                let handle = try await client.enqueue(TestTasks.Echo.self, .init(value: "once"), queue: queue)
                #expect(try await handle.result() == "once")
                proxy.cut()
                #expect(try await messagesLeftBehind(in: queue) == 1)
            }
        }
    }

    @Test func aHeldAckGoesOutWhenItsDelayHasPassed() async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("ack")
            try await withCutOffWorker(queue: queue, ackDelay: .milliseconds(300)) { proxy in
                #expect(
                    try await client.enqueue(TestTasks.Echo.self, .init(value: "once"), queue: queue).result() == "once"
                )
                try await Task.sleep(for: .seconds(1))
                proxy.cut()
                #expect(try await messagesLeftBehind(in: queue) == 0)
            }
        }
    }

    @Test func aStoppingWorkerSendsTheAcksItHolds() async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("ack")
            let result = try await withWorker(
                queues: [queue], concurrency: 1, prefetch: 8, ackDelay: .seconds(60), configuration: configuration
            ) {
                try await client.enqueue(TestTasks.Echo.self, .init(value: "once"), queue: queue).result()
            }
            #expect(result == "once")
            #expect(try await messagesLeftBehind(in: queue) == 0)
        }
    }

    /// With `prefetch` equal to `concurrency`, a held ack would keep the broker from sending the
    /// next task until the delay passed.
    @Test func acksGoAtOnceWhenThePrefetchWindowHasNoRoom() async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("ack")
            try await withWorker(
                queues: [queue], concurrency: 1, prefetch: 1, ackDelay: .seconds(60), configuration: configuration
            ) {
                let handles = try await client.enqueue(
                    TestTasks.Echo.self, batch: ["a", "b", "c"].map { .init(value: $0) }, queue: queue)
                for handle in handles {
                    _ = try await handle.result(timeout: .seconds(10))
                }
            }
        }
    }
}
