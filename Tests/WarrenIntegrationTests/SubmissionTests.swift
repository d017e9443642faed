import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// How submissions are recorded: QUEUED only once the broker confirmed, PENDING when it could not.
/// Serialized: the relay publishes every due entry in the database, the other tests' too.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SubmissionTests {
    @Test func aBatchLargerThanOneInsertRunsEveryTaskInOrder() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let count = WarrenClient.maximumBatchSize + 101
            let handles = try await client.enqueue(
                TestTasks.Echo.self, batch: (0..<count).map { .init(value: JSONValue($0)) }, queue: queue)
            #expect(handles.count == count)
            #expect(Set(handles.map(\.id)).count == count)
            let first = try #require(try await client.status(of: handles[0].id))
            #expect(first.state == .queued)
            #expect(first.queuedAt != nil)
            try await withWorker(queues: [queue], concurrency: 16, configuration: configuration) {
                for (index, handle) in handles.enumerated() where index % 50 == 0 || index == count - 1 {
                    #expect(try await handle.result(timeout: .seconds(30)) == JSONValue(index))
                }
                let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
                try await eventually("every task of the batch succeeded") {
                    let row = try await pool.query(
                        "SELECT count(*) AS n FROM warren.tasks WHERE queue = \(queue) AND state = \("SUCCESS")")
                    return try row.first!.decode("n", as: Int.self) == count
                }
            }
        }
    }

    /// A task whose ETA has passed is published straight to its queue, and its outbox entry (kept
    /// in case a delayed message is lost) is not overdue already: the relay does not publish it again.
    @Test func aPastETAIsPublishedOnce() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("past-eta")
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            _ = try await client.enqueue(
                TestTasks.Echo.self, .init(value: 1), queue: queue, eta: Date(timeIntervalSinceNow: -3600))
            #expect(try await broker.declareQueue(queue, passive: true).messageCount == 1)
            _ = try await client.relayDueTasks()
            #expect(try await broker.declareQueue(queue, passive: true).messageCount == 1)
            try await broker.deleteQueue(queue)
        }
    }

    @Test func anUnreachableBrokerLeavesTheTaskAcceptedAsPending() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(unreachableBroker(configuration))
            let handle = try await client.enqueue(
                TestTasks.Echo.self, .init(value: "later"), queue: TestEnvironment.uniqueQueue())
            let record = try #require(try await client.status(of: handle.id))
            #expect(record.state == .pending)
            #expect(record.queuedAt == nil)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            let events = try await pool.query(
                "SELECT state FROM warren.task_events WHERE task_id = \(handle.id) ORDER BY id"
            ).map { try $0.decode("state", as: String.self) }
            #expect(events == ["PENDING"])
        }
    }

    /// An entry the broker refuses (here a 406: its queue exists with other arguments) blocks
    /// nothing: the other entries are published, and after its last refusal its task fails.
    /// A broker that stops confirming (as under a memory alarm; here its replies are held back)
    /// does not hold a submission past the confirm timeout: it is accepted as PENDING, and the
    /// relay publishes it once the broker answers.
    @Test func aBrokerThatStopsConfirmingLeavesASubmissionPendingWithinTheConfirmTimeout() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let proxy = try await servers.proxyToRabbitMQ()
            var stalling = try configuration.reachingRabbitMQ(through: proxy)
            stalling.amqpURL += "?confirm_timeout=1000"
            let client = try await servers.client(stalling)
            let queue = TestEnvironment.uniqueQueue("stalled")
            let first = try await client.enqueue(TestTasks.Echo.self, .init(value: 1), queue: queue)
            #expect(try await client.status(of: first.id)?.state == .queued)
            proxy.replyDelay = .seconds(30)
            let start = ContinuousClock.now
            let stalled = try await client.enqueue(TestTasks.Echo.self, .init(value: 2), queue: queue)
            #expect(ContinuousClock.now - start < .seconds(3))
            #expect(try await client.status(of: stalled.id)?.state == .pending)
            let relay = try await servers.client(configuration)
            try await eventually("the relay published it") {
                _ = try await relay.relayDueTasks()
                return try await relay.status(of: stalled.id)?.state == .queued
            }
            // The stalled message may have reached the queue before the broker stopped answering:
            // at least once, as after any publish whose confirm was lost.
            let broker = try await servers.broker()
            #expect((2...3).contains(try await broker.declareQueue(queue, passive: true).messageCount))
            try await broker.deleteQueue(queue)
            try await broker.deleteQueue(Topology.deadLetterQueue(of: queue))
        }
    }

    @Test func anEntryTheBrokerRefusesBlocksNoOtherAndItsTaskFailsInTheEnd() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let good = TestEnvironment.uniqueQueue("relay")
            let bad = TestEnvironment.uniqueQueue("refused")
            let broker = try await servers.broker()
            try await broker.declareQueue(bad)  // without Warren's arguments
            let offline = try await servers.client(unreachableBroker(configuration))
            let refused = try await offline.enqueue(TestTasks.Echo.self, .init(value: "never"), queue: bad)
            var others: [TaskHandle<TestTasks.Echo>] = []
            for value in 0..<3 {
                others.append(
                    try await offline.enqueue(TestTasks.Echo.self, .init(value: JSONValue(value)), queue: good))
            }
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            _ = try await client.relayDueTasks()
            for other in others {
                #expect(try await client.status(of: other.id)?.state == .queued)
            }
            #expect(try await broker.declareQueue(good, passive: true).messageCount == 3)
            // Its waits grow with each refusal; here they are cut short.
            try await eventually("the refused task failed") {
                _ = try await pool.query("UPDATE warren.outbox SET due = now() WHERE task_id = \(refused.id)")
                _ = try await client.relayDueTasks()
                return try await client.status(of: refused.id)?.state == .failure
            }
            let record = try #require(try await client.status(of: refused.id))
            #expect(record.error?["reason"] == "unpublishable")
            #expect(record.error?["message"]?.stringValue?.contains("PRECONDITION_FAILED") == true)
            #expect(try await pool.query("SELECT 1 FROM warren.outbox WHERE task_id = \(refused.id)").isEmpty)
            try await broker.deleteQueue(bad)
            try await broker.deleteQueue(good)
            try await broker.deleteQueue(Topology.deadLetterQueue(of: good))
        }
    }

    @Test func theRelayPublishesWhatTheBrokerCouldNotTakeOnceItIsBack() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("relay")
            let offline = try await servers.client(unreachableBroker(configuration))
            let now = try await offline.enqueue(TestTasks.Echo.self, .init(value: "now"), queue: queue)
            let later = try await offline.enqueue(
                TestTasks.Echo.self, .init(value: "later"), queue: queue, countdown: .seconds(600))
            #expect(try await offline.status(of: later.id)?.state == .pending)

            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            func outboxHolds(_ id: UUID) async throws -> Bool {
                try await !pool.query("SELECT 1 FROM warren.outbox WHERE task_id = \(id)").isEmpty
            }
            #expect(try await outboxHolds(now.id))
            try await withWorker(queues: [queue], configuration: configuration) {
                // Another test's relay may hold an entry for a moment; this one passes it by meanwhile.
                try await eventually("the delayed task was published to the delay queues") {
                    _ = try await client.relayDueTasks()
                    return try await client.status(of: later.id)?.state == .scheduled
                }
                #expect(try await now.result(timeout: .seconds(15)) == "now")
            }
            // Still delayed; its entry now watches for its message going missing after it is due.
            let watch = try await pool.query(
                "SELECT extract(epoch FROM due - now())::float8 AS seconds FROM warren.outbox WHERE task_id = \(later.id)"
            )
            #expect(try watch.first?.decode("seconds", as: Double.self) ?? 0 > 600)
            let events = try await pool.query(
                "SELECT state FROM warren.task_events WHERE task_id = \(now.id) ORDER BY id"
            ).map { try $0.decode("state", as: String.self) }
            #expect(events == ["PENDING", "QUEUED", "STARTED", "SUCCESS"])
            #expect(try await !outboxHolds(now.id))
        }
    }

    @Test func theRelayPassesByATaskWhoseRowAWorkerIsStarting() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("relay")
            let offline = try await servers.client(unreachableBroker(configuration))
            let handle = try await offline.enqueue(TestTasks.Echo.self, .init(value: "held"), queue: queue)
            let client = try await servers.client(configuration)
            let holder = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            let relayRuns = RelayRuns()
            // A worker's start locks the task's row, then deletes its outbox entry. A relay that had
            // taken the entry would publish, then wait for the row while the start waits for the
            // entry: a deadlock. It must pass the task by while its row is held.
            try await holder.transaction { connection in
                _ = try await connection.query("SELECT 1 FROM warren.tasks WHERE id = \(handle.id) FOR UPDATE")
                Task {
                    do { while try await client.relayDueTasks() > 0 {} } catch { Issue.record(error) }
                    await relayRuns.finished()
                }
                try await eventually(timeout: .seconds(10), "the relay returned without waiting for the held row") {
                    await relayRuns.count == 1
                }
            }
            try await withWorker(queues: [queue], configuration: configuration) {
                while try await client.relayDueTasks() > 0 {}
                #expect(try await handle.result(timeout: .seconds(15)) == "held")
            }
        }
    }

    @Test func aSecondCopyOfARunningTaskIsNotStartedAgain() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 1), queue: queue)
                try await eventually("the task started") { try await client.status(of: handle.id)?.state == .started }
                // A relay's or a producer's duplicate: not a redelivery, so not a sign the first worker died.
                let copy = TaskEnvelope(
                    id: handle.id, task: TestTasks.Sleep.name, queue: queue, args: ["seconds": 1], createdAt: Date())
                try await broker.publish(
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue,
                        properties: AMQPProperties(persistent: true),
                        body: copy.encoded()))
                _ = try await handle.result(timeout: .seconds(15))
                try await eventually("the copy was consumed") {
                    try await broker.declareQueue(queue, passive: true).messageCount == 0
                }
                #expect(try await client.status(of: handle.id)?.attempts == 1)
            }
        }
    }
}

/// The configuration with a broker that cannot be reached: what a client of it submits is
/// accepted as PENDING, for the relay.
private func unreachableBroker(_ configuration: Configuration) -> Configuration {
    var down = configuration
    down.amqpURL = "amqp://guest:guest@127.0.0.1:1/%2f"
    return down
}

private actor RelayRuns {
    private(set) var count = 0
    func finished() { count += 1 }
}
