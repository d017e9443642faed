import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// Retries through the delay queues, countdowns, dead letters with reasons and poison messages,
/// against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct RetryTests {
    let configuration: Configuration
    let client: WarrenClient
    let pool: PostgresPool
    let queue = TestEnvironment.uniqueQueue("retry")

    /// What the suite opens, closed at the end of each test (``Opened/closing(after:)``).
    let opened = Opened()

    init() async throws {
        configuration = try await Servers.configuration()
        client = try await opened.client(configuration)
        pool = await opened.pool(uri: configuration.databaseURL)
    }

    /// The task's events as `STATE@attempt`, in order.
    func history(_ id: UUID) async throws -> [String] {
        try await pool.query(
            "SELECT state, attempt FROM warren.task_events WHERE task_id = \(id) ORDER BY id"
        ).map { "\(try $0.decode("state", as: String.self))@\(try $0.decode("attempt", as: Int.self))" }
    }

    /// Waits for the next message in `<queue>.dead`.
    func nextDeadLetter(_ broker: AMQPConnection) async throws -> AMQPDelivery {
        var letter: AMQPDelivery?
        try await eventually("a dead letter arrived") {
            letter = try await broker.get(queue: Topology.deadLetterQueue(of: queue))
            return letter != nil
        }
        return letter!
    }

    @Test func aRetryableErrorIsRetriedThroughTheDelayQueuesUntilItSucceeds() async throws {
        try await opened.closing {
            try await withWorker(queues: [queue], configuration: configuration) {
                let start = ContinuousClock.now
                let handle = try await client.enqueue(TestTasks.Flaky.self, .init(failures: 2), queue: queue)
                try await eventually("the first retry was recorded") {
                    try await client.status(of: handle.id)?.state == .retry
                }
                let waiting = try #require(try await client.status(of: handle.id))
                #expect(waiting.eta != nil)
                #expect(waiting.error?["type"]?.stringValue == "Transient")
                #expect(try await handle.result(timeout: .seconds(20)) == 3)
                // Two retries, each 1 s later through the broker.
                #expect((ContinuousClock.now - start).seconds >= 1.9)
                #expect(
                    try await history(handle.id) == [
                        "QUEUED@0", "STARTED@1", "RETRY@1", "STARTED@2", "RETRY@2", "STARTED@3", "SUCCESS@3",
                    ])
                let retry = try #require(
                    try await pool.query(
                        "SELECT detail FROM warren.task_events WHERE task_id = \(handle.id) AND state = 'RETRY' LIMIT 1"
                    ).first)
                let detail: String = try retry.decode("detail")
                #expect(detail.contains("\"eta\"") && detail.contains("transient trouble"))
            }
        }
    }

    /// The ack of an attempt that failed and is retrying is lost (its worker's connection died):
    /// the broker delivers that attempt's message again. It is not run: the retry waits out its
    /// backoff, and its delayed copy runs the next attempt. Run, it made a second chain.
    @Test func aRetryWhoseAckWasLostStillWaitsOutItsBackoff() async throws {
        try await opened.closing {
            let broker = try await opened.broker()
            let handle = try await client.enqueue(
                TestTasks.Flaky.self, .init(failures: 1, retryable: false, requestedDelay: 5), queue: queue)
            let original = try #require(try await broker.get(queue: queue))
            try await broker.reject(original.deliveryTag, requeue: true)
            try await withWorker(queues: [queue], configuration: configuration) {
                try await eventually("the first attempt failed and is retrying") {
                    try await client.status(of: handle.id)?.state == .retry
                }
            }
            // What the broker does with a delivery whose ack never came: it is back, redelivered.
            try await broker.publish(
                AMQPOutgoingMessage(
                    exchange: Topology.taskExchange, routingKey: queue, properties: original.properties,
                    body: original.body))
            let lost = try #require(try await broker.get(queue: queue))
            try await broker.reject(lost.deliveryTag, requeue: true)
            let result = try await withWorker(queues: [queue], configuration: configuration) {
                try await handle.result(timeout: .seconds(20))
            }
            #expect(result == 2)
            #expect(
                try await history(handle.id) == ["QUEUED@0", "STARTED@1", "RETRY@1", "STARTED@2", "SUCCESS@2"])
            let times = try await pool.query(
                """
                SELECT extract(epoch FROM max(at) FILTER (WHERE state = 'STARTED')
                                          - max(at) FILTER (WHERE state = 'RETRY'))::float8 AS waited
                FROM warren.task_events WHERE task_id = \(handle.id)
                """)
            // Due 5 s after the failure; the delay queues deliver it up to a second early at most.
            let waited: Double = try times.first!.decode("waited")
            #expect(waited >= 3.9, "the second attempt started \(waited) s after the first failed")
        }
    }

    @Test func aTaskCanAskForItsOwnRetry() async throws {
        try await opened.closing {
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.Flaky.self, .init(failures: 1, retryable: false, requestedDelay: 1), queue: queue)
                #expect(try await handle.result(timeout: .seconds(20)) == 2)
                let record = try #require(try await client.status(of: handle.id))
                #expect(record.attempts == 2)
            }
        }
    }

    @Test func exhaustedRetriesEndInTheDeadLetterQueueWithTheirReason() async throws {
        try await opened.closing {
            let broker = try await opened.broker()
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.Flaky.self, .init(failures: 5), queue: queue,
                    retry: try .fixed(1, maxRetries: 1, retryOn: .anyError))
                await #expect(throws: TaskError.self) { try await handle.result(timeout: .seconds(20)) }
                let record = try #require(try await client.status(of: handle.id))
                #expect(record.state == .failure)
                #expect(record.attempts == 2)
                #expect(record.error?["reason"]?.stringValue == "retries_exhausted")
                let letter = try await nextDeadLetter(broker)
                #expect(letter.properties.messageID == handle.id.uuidString.lowercased())
                #expect(letter.properties.headers["x-warren-reason"] == .string("retries_exhausted"))
                #expect(letter.properties.headers["x-warren-attempts"] == .int(2))
                #expect(letter.properties.headers["x-warren-original-queue"] == .string(queue))
                #expect(letter.properties.headers["x-warren-error"]?.stringValue?.contains("transient trouble") == true)
                #expect(letter.properties.headers["x-warren-dead-lettered-at"] != nil)
                #expect(try TaskEnvelope(decoding: letter.body).id == handle.id)
                let recorded = try await pool.query(
                    "SELECT reason FROM warren.dead_letters WHERE task_id = \(handle.id)"
                ).map { try $0.decode("reason", as: String.self) }
                #expect(recorded == ["retries_exhausted"])
            }
        }
    }

    @Test func anErrorTheTaskDoesNotMarkRetryableFailsAtOnce() async throws {
        try await opened.closing {
            let broker = try await opened.broker()
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.Flaky.self, .init(failures: 1, retryable: false), queue: queue)
                await #expect(throws: TaskError.self) { try await handle.result(timeout: .seconds(20)) }
                #expect(try await history(handle.id) == ["QUEUED@0", "STARTED@1", "FAILURE@1"])
                let letter = try await nextDeadLetter(broker)
                #expect(letter.properties.headers["x-warren-reason"] == .string("not_retryable"))
            }
        }
    }

    @Test func aCountdownWaitsInTheBrokerAsScheduled() async throws {
        try await opened.closing {
            try await withWorker(queues: [queue], configuration: configuration) {
                // 4 s: the countdown runs from the submission, and a fresh client's first delayed
                // submission declares the delay queues first (over 2 s on a fresh, busy broker).
                let start = Date()
                let handle = try await client.enqueue(
                    TestTasks.Echo.self, .init(value: "later"), queue: queue, countdown: .seconds(4))
                let scheduled = try #require(try await client.status(of: handle.id))
                #expect(scheduled.state == .scheduled)
                let eta = try #require(scheduled.eta)
                #expect(abs(eta.timeIntervalSince(start) - 4) < 0.5)
                #expect(try await handle.result(timeout: .seconds(20)) == "later")
                let finished = try #require(try await client.status(of: handle.id))
                let startedAt = try #require(finished.startedAt)
                #expect(startedAt.timeIntervalSince(eta) > -0.05 && startedAt.timeIntervalSince(eta) < 1.5)
            }
        }
    }

    @Test func aMessageThatKeepsKillingWorkersIsDeadLetteredAsPoison() async throws {
        try await opened.closing {
            let broker = try await opened.broker()
            try await Topology().declare(queue: queue, on: broker)
            // As if every allowed attempt had started and its worker died: the row is STARTED with all
            // attempts used, and the message is delivered once more, as a redelivery.
            let id = UUID()
            let envelope = TaskEnvelope(
                id: id, task: TestTasks.CountRun.name, queue: queue, args: [:], createdAt: Date())
            _ = try await pool.query(
                """
                INSERT INTO warren.tasks (id, task, queue, state, args, attempts, started_at)
                VALUES (\(id), \(TestTasks.CountRun.name), \(queue), 'STARTED', '{}', \(RetryPolicy.default.maximumAttempts), now())
                """)
            try await broker.publish(
                AMQPOutgoingMessage(
                    exchange: Topology.taskExchange, routingKey: queue,
                    properties: AMQPProperties(persistent: true, messageID: id.uuidString.lowercased()),
                    body: envelope.encoded()))
            let dying = try await opened.broker()
            _ = try #require(try await dying.get(queue: queue))
            try await withWorker(queues: [queue], configuration: configuration) {
                await dying.close()  // unacked: the broker redelivers it, flagged as a redelivery
                let letter = try await nextDeadLetter(broker)
                #expect(letter.properties.headers["x-warren-reason"] == .string("poison"))
                let record = try #require(try await client.status(of: id))
                #expect(record.state == .failure)
                #expect(record.error?["reason"]?.stringValue == "poison")
                // It was not run again.
                let runs = try await pool.query("SELECT count(*) AS n FROM warren_test.runs WHERE task_id = \(id)")
                #expect(try runs.first!.decode("n", as: Int.self) == 0)
            }
        }
    }
}
