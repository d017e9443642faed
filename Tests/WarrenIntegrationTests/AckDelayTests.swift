import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// A recorded delivery's ack may wait up to the worker's `ackDelay` to share a `multiple` ack with
/// others, but it always goes: when the delay passes, when the worker stops, and at once when
/// waiting would hold back deliveries the prefetch window has no room for.
///
/// Whether an ack went out is seen by dropping the worker's connection: the broker puts an unacked
/// delivery back in its queue.
@Suite(.timeLimit(.minutes(2))) struct AckDelayTests {
    let configuration: Configuration
    let client: WarrenClient
    let broker: AMQPConnection

    init() async throws {
        configuration = try await Servers.configuration()
        client = try WarrenClient(configuration: configuration, logger: Servers.logger)
        broker = try await AMQPConnection.connect(to: Servers.endpoint())
    }

    func close() async {
        await broker.close()
        await client.shutdown()
    }

    func messagesIn(_ queue: String) async throws -> Int {
        try await broker.declareQueue(queue, passive: true).messageCount
    }

    @Test func aHeldAckGoesOutWhenItsDelayHasPassed() async throws {
        let proxy = try TCPProxy(upstreamPort: try Servers.endpoint().port)
        let queue = TestEnvironment.uniqueQueue("ack")
        try await withWorker(
            queues: [queue], concurrency: 1, prefetch: 8, ackDelay: .milliseconds(300),
            configuration: try configuration.reachingRabbitMQ(through: proxy)
        ) {
            #expect(try await client.enqueue(TestTasks.Echo.self, .init(value: "once"), queue: queue).result() == "once")
            try await Task.sleep(for: .seconds(1))
            proxy.cut()  // and no reconnecting: an unacked delivery would stay in the queue
            try await Task.sleep(for: .seconds(1))
            #expect(try await messagesIn(queue) == 0)
            proxy.restore()
        }
        proxy.stop()
        await close()
    }

    @Test func aStoppingWorkerSendsTheAcksItHolds() async throws {
        let queue = TestEnvironment.uniqueQueue("ack")
        let result = try await withWorker(
            queues: [queue], concurrency: 1, prefetch: 8, ackDelay: .seconds(60), configuration: configuration
        ) {
            try await client.enqueue(TestTasks.Echo.self, .init(value: "once"), queue: queue).result()
        }
        #expect(result == "once")
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await messagesIn(queue) == 0)
        await close()
    }

    /// With `prefetch` equal to `concurrency`, a held ack would keep the broker from sending the
    /// next task until the delay passed.
    @Test func acksGoAtOnceWhenThePrefetchWindowHasNoRoom() async throws {
        let queue = TestEnvironment.uniqueQueue("ack")
        try await withWorker(queues: [queue], concurrency: 1, prefetch: 1, ackDelay: .seconds(60), configuration: configuration) {
            let handles = try await client.enqueue(
                TestTasks.Echo.self, batch: ["a", "b", "c"].map { .init(value: $0) }, queue: queue)
            for handle in handles {
                _ = try await handle.result(timeout: .seconds(10))
            }
        }
        await close()
    }
}
