import Foundation
import ServiceLifecycle
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

@Suite(.timeLimit(.minutes(2))) struct WorkerTests {
    @Test func typedClientAwaitsTheResult() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 0.05), queue: queue)
                #expect(try await handle.result(timeout: .seconds(15)).slept == 0.05)
                let failing = try await client.enqueue(TestTasks.Fail.self, .init(message: "nope"), queue: queue)
                await #expect(throws: TaskError(type: "Failure", message: "nope", reason: .notRetryable)) {
                    try await failing.result(timeout: .seconds(15))
                }
            }
        }
    }

    @Test func textPostgreSQLCannotStoreFailsTheTaskOnceWithAClearError() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let returning = try await client.enqueue(TestTasks.NULText.self, .init(fail: false), queue: queue)
                await #expect(
                    throws: TaskError(
                        type: "InvalidResult", message: "the result holds U+0000, which PostgreSQL cannot store",
                        reason: .notRetryable)
                ) {
                    try await returning.result(timeout: .seconds(15))
                }
                #expect(try await client.status(of: returning.id)?.attempts == 1)
                let throwing = try await client.enqueue(TestTasks.NULText.self, .init(fail: true), queue: queue)
                await #expect(throws: TaskError(type: "Failure", message: "a\u{FFFD}b", reason: .notRetryable)) {
                    try await throwing.result(timeout: .seconds(15))
                }
                #expect(try await client.status(of: throwing.id)?.attempts == 1)
            }
        }
    }

    @Test func quorumQueuesCarryTasksToo() async throws {
        try await withServers { servers in
            var configuration = try await Servers.configuration()
            configuration.queueType = .quorum
            let queue = TestEnvironment.uniqueQueue("quorum")
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.Echo.self, .init(value: "replicated"), queue: queue, priority: 5)
                #expect(try await handle.result(timeout: .seconds(15)) == "replicated")
            }
            let broker = try await servers.broker()
            // Declaring it as a classic queue now fails: it really is a quorum queue.
            await #expect(throws: AMQPError.self) {
                try await broker.declareQueue(queue, arguments: Topology(queueType: .classic).arguments(of: queue))
            }
        }
    }

    @Test func brokenMessagesGoToTheDeadLetterQueueAndTheWorkerGoesOn() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let unknownID = UUID()
            try await withWorker(queues: [queue], configuration: configuration) {
                let unknownTask = TaskEnvelope(
                    id: unknownID, task: "no.such.task", queue: queue, args: [:], createdAt: Date())
                // A retry policy no Int can hold once trapped every worker on the queue, again on each redelivery.
                let hugeRetries = Array(
                    #"{"v":1,"id":"\#(UUID())","task":"test.echo","queue":"\#(queue)","args":{"value":1},"created_at":"2026-01-01T00:00:00Z","retry":{"max_retries":1e300}}"#
                        .utf8)
                for body in [Array("{not json".utf8), [0xFF, 0x00, 0x13], hugeRetries, unknownTask.encoded()] {
                    try await broker.publish(
                        AMQPOutgoingMessage(
                            exchange: Topology.taskExchange, routingKey: queue, properties: AMQPProperties(), body: body
                        ))
                }
                var reasons: [String] = []
                try await eventually("four dead letters arrived") {
                    while let letter = try await broker.get(queue: Topology.deadLetterQueue(of: queue)) {
                        reasons.append(letter.properties.headers["x-warren-reason"]?.stringValue ?? "none")
                        #expect(letter.properties.headers["x-warren-original-queue"] == .string(queue))
                        #expect(letter.properties.headers["x-warren-error"]?.stringValue?.isEmpty == false)
                        try await broker.ack(letter.deliveryTag)
                    }
                    return reasons.count == 4
                }
                #expect(reasons.sorted() == ["invalid_message", "invalid_message", "invalid_message", "unknown_task"])
                // The worker is still consuming: a good task still runs.
                let handle = try await client.enqueue(TestTasks.Echo.self, .init(value: "still here"), queue: queue)
                #expect(try await handle.result(timeout: .seconds(15)) == "still here")
            }
            // The unknown task's row (created from the message) records why it failed.
            let record = try #require(try await client.status(of: unknownID))
            #expect(record.state == .failure)
            #expect(record.error?["reason"] == "unknown_task")
            let letters = try await servers.pool(uri: configuration.databaseURL)
                .query("SELECT reason FROM warren.dead_letters WHERE queue = \(queue) ORDER BY reason")
            #expect(
                letters.map { $0["reason"] } == [
                    "invalid_message", "invalid_message", "invalid_message", "unknown_task",
                ])
        }
    }

    /// A dead letter fails only a task that is waiting: a revoked one stays REVOKED, and a message
    /// no worker can read fails no task at all, whatever task its `message_id` names.
    @Test func aDeadLetterFailsOnlyAWaitingTaskItCouldRead() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let unconsumed = TestEnvironment.uniqueQueue("unconsumed")
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let revoked = try await client.enqueue(TestTasks.Echo.self, .init(value: 1), queue: unconsumed)
            _ = try await client.revoke(revoked.id)
            let waiting = try await client.enqueue(TestTasks.Echo.self, .init(value: 2), queue: unconsumed)
            try await withWorker(queues: [queue], configuration: configuration) {
                let unknownTask = TaskEnvelope(
                    id: revoked.id, task: "no.such.task", queue: queue, args: [:], createdAt: Date())
                try await broker.publish([
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue, properties: AMQPProperties(),
                        body: unknownTask.encoded()),
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue,
                        properties: AMQPProperties(messageID: waiting.id.uuidString.lowercased()),
                        body: Array("{garbage".utf8)),
                ])
                var letters = 0
                try await eventually("two dead letters arrived") {
                    while let letter = try await broker.get(queue: Topology.deadLetterQueue(of: queue)) {
                        letters += 1
                        try await broker.ack(letter.deliveryTag)
                    }
                    return letters == 2
                }
            }
            #expect(try await client.status(of: revoked.id)?.state == .revoked)
            #expect(try await client.status(of: waiting.id)?.state == .queued)
            let recorded = try await servers.pool(uri: configuration.databaseURL)
                .query("SELECT task_id, reason FROM warren.dead_letters WHERE queue = \(queue) ORDER BY reason")
            let named = try recorded.map {
                "\(try $0.decode("task_id", as: UUID.self)) \(try $0.decode("reason", as: String.self))"
            }
            #expect(named == ["\(waiting.id) invalid_message", "\(revoked.id) unknown_task"])
            try await broker.deleteQueue(unconsumed)
        }
    }

    @Test func aRedeliveredFinishedTaskIsNotRunAgain() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            try await withWorker(queues: [queue], concurrency: 1, configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.CountRun.self, .init(), queue: queue)
                #expect(try await handle.result(timeout: .seconds(15)).runs == 1)
                // The same message again, as a redelivery after a lost ack would bring it.
                let record = try #require(try await client.status(of: handle.id))
                let again = TaskEnvelope(
                    id: handle.id, task: record.task, queue: queue, args: record.args, createdAt: record.createdAt)
                for _ in 0..<2 {
                    try await broker.publish(
                        AMQPOutgoingMessage(
                            exchange: Topology.taskExchange, routingKey: queue, properties: AMQPProperties(),
                            body: again.encoded()))
                }
                // One worker slot handles the queue in order, so once a later task is done the copies were handled.
                let marker = try await client.enqueue(TestTasks.Echo.self, .init(value: 1), queue: queue)
                _ = try await marker.result(timeout: .seconds(15))
                let runs = try await servers.pool(uri: configuration.databaseURL)
                    .query("SELECT count(*) AS runs FROM warren_test.runs WHERE task_id = \(handle.id)")
                #expect(try runs.first!.decode("runs", as: Int.self) == 1)
                let after = try #require(try await client.status(of: handle.id))
                #expect(after.state == .success)
                #expect(after.attempts == 1)
                #expect(try await broker.declareQueue(queue, passive: true).messageCount == 0)
            }
        }
    }

    @Test func aTaskCutOffByTheGracePeriodIsRedeliveredNotFailed() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let worker = Worker(
                configuration: configuration, registry: TestTasks.registry(databaseURL: configuration.databaseURL),
                options: Worker.Options(queues: [queue], concurrency: 1, gracePeriod: .milliseconds(300)),
                logger: Servers.logger)
            let group = ServiceGroup(configuration: .init(services: [worker], logger: Servers.logger))
            let running = Task { try await group.run() }
            try await waitForConsumer(on: queue)
            let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 30), queue: queue)
            try await eventually("the task started") { try await client.status(of: handle.id)?.state == .started }
            await group.triggerGracefulShutdown()
            try await running.value
            // Not FAILURE: the attempt was cut off, so the message went back to the queue for another worker.
            #expect(try await client.status(of: handle.id)?.state == .started)
            let broker = try await servers.broker()
            try await eventually("the message is back in the queue") {
                try await broker.declareQueue(queue, passive: true).messageCount == 1
            }
        }
    }

    @Test func sigtermLetsRunningTasksFinishAndExitsZero() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            try await withWorkerProcess([queue, "4"]) { process in
                try await waitForConsumer(on: queue)
                // Submitted together and long enough that all four run at once however busy the machine.
                let handles = try await client.enqueue(
                    TestTasks.Sleep.self, batch: Array(repeating: .init(seconds: 4), count: 4), queue: queue)
                try await eventually("all four started") {
                    var started = 0
                    for handle in handles where try await client.status(of: handle.id)?.state == .started {
                        started += 1
                    }
                    return started == 4
                }
                process.terminate()  // SIGTERM
                try await eventually(timeout: .seconds(30), "the worker exited") { !process.isRunning }
                #expect(process.terminationReason == .exit)
                #expect(process.terminationStatus == 0)
                for handle in handles {
                    #expect(try await client.status(of: handle.id)?.state == .success)
                }
            }
        }
    }
}
