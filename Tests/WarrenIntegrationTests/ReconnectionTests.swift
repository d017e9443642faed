import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// A worker whose link to RabbitMQ is cut (through a proxy that drops it) reconnects, and nothing
/// it held is lost or recorded twice.
@Suite(.timeLimit(.minutes(2))) struct ReconnectionTests {
    @Test func aWorkerReconnectsAndRunsWhatArrivedWhileItWasCutOff() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let proxy = try await servers.proxyToRabbitMQ()
            let queue = TestEnvironment.uniqueQueue("cut")
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: try configuration.reachingRabbitMQ(through: proxy)) {
                #expect(
                    try await client.enqueue(TestTasks.Echo.self, .init(value: "before"), queue: queue).result()
                        == "before"
                )
                proxy.cut()
                let during = try await client.enqueue(TestTasks.Echo.self, .init(value: "during"), queue: queue)
                try await Task.sleep(for: .seconds(2))
                #expect(try await client.status(of: during.id)?.state == .queued)
                proxy.restore()
                #expect(try await during.result(timeout: .seconds(30)) == "during")
            }
        }
    }

    /// A worker whose every slot is busy still notices at once that its connection failed: it
    /// drops what that connection had buffered (the broker requeued it) and reconnects.
    @Test func aWorkerWhoseSlotsAreBusyReconnectsAtOnce() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let proxy = try await servers.proxyToRabbitMQ()
            let queue = TestEnvironment.uniqueQueue("cut")
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            try await withWorker(
                queues: [queue], concurrency: 1, prefetch: 4,
                configuration: try configuration.reachingRabbitMQ(through: proxy)
            ) {
                let long = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 8), queue: queue)
                try await eventually("the long task started") {
                    try await client.status(of: long.id)?.state == .started
                }
                let buffered = try await client.enqueue(TestTasks.Echo.self, .init(value: "after"), queue: queue)
                try await eventually("the worker holds the second task too") {
                    try await broker.declareQueue(queue, passive: true).messageCount == 0
                }
                let links = proxy.accepted
                proxy.cut()
                proxy.restore()
                try await eventually(timeout: .seconds(4), "the worker reconnected while its slot is busy") {
                    proxy.accepted > links
                }
                #expect(try await client.status(of: long.id)?.state == .started)
                #expect(try await buffered.result(timeout: .seconds(30)) == "after")
                #expect(try await client.status(of: long.id)?.state == .success)
            }
        }
    }

    @Test func aTaskRunningWhenTheLinkIsCutSucceedsExactlyOnce() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let proxy = try await servers.proxyToRabbitMQ()
            let queue = TestEnvironment.uniqueQueue("cut")
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            try await withWorker(queues: [queue], configuration: try configuration.reachingRabbitMQ(through: proxy)) {
                let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 1), queue: queue)
                try await eventually("the task started") { try await client.status(of: handle.id)?.state == .started }
                proxy.cut()
                try await Task.sleep(for: .seconds(2))
                proxy.restore()
                #expect(try await handle.result(timeout: .seconds(30)).slept == 1)
                // Its delivery came back after the cut: a redelivery of finished work is acked, not run.
                try await Task.sleep(for: .seconds(1))
                let successes = try await pool.query(
                    "SELECT count(*) AS n FROM warren.task_events WHERE task_id = \(handle.id) AND state = 'SUCCESS'")
                #expect(try successes.first!.decode("n", as: Int.self) == 1)
                #expect(try await client.status(of: handle.id)?.state == .success)
            }
        }
    }
}
