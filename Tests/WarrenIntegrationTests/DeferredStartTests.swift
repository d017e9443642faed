import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// A first delivery's start is written with its outcome when the task ends within the worker's
/// `recordStartAfter`, and on its own, while the task runs, when it does not.
@Suite(.timeLimit(.minutes(2))) struct DeferredStartTests {
    let configuration: Configuration
    let client: WarrenClient
    let pool: PostgresPool

    /// What the suite opens, closed at the end of each test (``Opened/closing(after:)``).
    let opened = Opened()

    init() async throws {
        configuration = try await Servers.configuration()
        client = try await opened.client(configuration)
        pool = await opened.pool(uri: configuration.databaseURL)
    }

    /// The task's events as `STATE@attempt`, in order, and the transaction that wrote each.
    func events(_ id: UUID) async throws -> [(event: String, transaction: String)] {
        let rows = try await pool.query(
            "SELECT state, attempt, xmin::text AS xid FROM warren.task_events WHERE task_id = \(id) ORDER BY id")
        return try rows.map { row in
            let state: String = try row.decode("state")
            let attempt: Int = try row.decode("attempt")
            return ("\(state)@\(attempt)", try row.decode("xid"))
        }
    }

    /// Submits a sleep task of `seconds` to a worker whose starts wait `recordStartAfter`, and runs
    /// `body` once the worker has taken its message.
    func whenTheWorkerTookASleep(
        of seconds: Double, recordStartAfter: Duration, _ body: (UUID) async throws -> Void
    ) async throws {
        let queue = TestEnvironment.uniqueQueue("deferred")
        let broker = try await opened.broker()
        try await withWorker(queues: [queue], recordStartAfter: recordStartAfter, configuration: configuration) {
            let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: seconds), queue: queue)
            try await eventually("the worker took the message") {
                try await broker.declareQueue(queue, passive: true).messageCount == 0
            }
            try await body(handle.id)
        }
    }

    /// With a delay the task ends within, its start is written in the transaction of its outcome;
    /// with none, in one of its own before the task runs. (Seconds, not the default 100 ms: a slow
    /// moment of the machine must not make the quick task a long one.)
    @Test(arguments: [Duration.seconds(5), .zero])
    func aQuickTaskHasItsStartWrittenWithItsOutcomeUnlessTheDelayIsZero(delay: Duration) async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("deferred")
            let handle = try await withWorker(queues: [queue], recordStartAfter: delay, configuration: configuration) {
                let handle = try await client.enqueue(TestTasks.Echo.self, .init(value: "quick"), queue: queue)
                #expect(try await handle.result(timeout: .seconds(15)) == "quick")
                return handle
            }
            let written = try await events(handle.id)
            try #require(written.map(\.event) == ["QUEUED@0", "STARTED@1", "SUCCESS@1"])
            #expect((written[1].transaction == written[2].transaction) == (delay > .zero))
            let record = try #require(try await client.status(of: handle.id))
            #expect(record.attempts == 1)
            #expect(record.worker == "test-worker")
            #expect(try #require(record.startedAt) <= (try #require(record.finishedAt)))
        }
    }

    @Test func aTaskStillRunningAfterTheDelayIsStartedWhileItRuns() async throws {
        try await opened.closing {
            let queue = TestEnvironment.uniqueQueue("deferred")
            try await withWorker(queues: [queue], recordStartAfter: .milliseconds(100), configuration: configuration) {
                let handle = try await client.enqueue(TestTasks.Sleep.self, .init(seconds: 1.5), queue: queue)
                // Its start is written 100 ms into its 1.5 s sleep: the row says STARTED before it
                // says SUCCESS, however long the delivery took on a loaded machine.
                var seen: TaskState?
                try await eventually("the row says STARTED or the task finished") {
                    seen = try await client.status(of: handle.id)?.state
                    return seen == .started || seen?.isTerminal == true
                }
                #expect(seen == .started)
                #expect(try await handle.result(timeout: .seconds(15)).slept == 1.5)
                let written = try await events(handle.id)
                try #require(written.map(\.event) == ["QUEUED@0", "STARTED@1", "SUCCESS@1"])
                #expect(written[1].transaction != written[2].transaction)
            }
        }
    }

    /// Revoked after the worker took it but before its start was written: whether the worker's
    /// watchdog cancels it or it runs to its end, its outcome's fence (the row must still be
    /// waiting) keeps REVOKED.
    @Test func aTaskRevokedBeforeItsStartIsWrittenKeepsItsRevocation() async throws {
        try await opened.closing {
            try await whenTheWorkerTookASleep(of: 0.6, recordStartAfter: .seconds(30)) { id in
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await client.status(of: id)?.state == .queued)
                #expect(try await client.revoke(id).state == .revoked)
                // Long enough for the task to have ended and its outcome to have been offered.
                try await Task.sleep(for: .seconds(1.5))
                let record = try #require(try await client.status(of: id))
                #expect(record.state == .revoked)
                #expect(record.attempts == 0)
                #expect(record.result == nil)
                #expect(try await events(id).map(\.event) == ["QUEUED@0", "REVOKED@0"])
            }
        }
    }

    /// Another copy of the task ran an attempt while this one ran on an older read of the row, and
    /// left it waiting (RETRY, attempt 1): the start written at the delay must not take the row over
    /// as attempt 2 (fenced by the attempts the worker read), nor the outcome be recorded.
    @Test func aStartWrittenAtTheDelayIsFencedByTheAttemptsTheWorkerRead() async throws {
        try await opened.closing {
            try await whenTheWorkerTookASleep(of: 4, recordStartAfter: .seconds(2)) { id in
                // Ample time for the worker to read the row (QUEUED, attempts 0), well before the delay.
                try await Task.sleep(for: .milliseconds(700))
                _ = try await pool.query(
                    "UPDATE warren.tasks SET state = 'RETRY', attempts = 1, eta = now() + interval '1 hour' WHERE id = \(id)"
                )
                // Past the delay (its start due, then written within a quarter of it) while the task
                // still sleeps, and then past its end.
                for wait in [Duration.seconds(2.3), .seconds(2)] {
                    try await Task.sleep(for: wait)
                    let record = try #require(try await client.status(of: id))
                    #expect(record.state == .retry)
                    #expect(record.attempts == 1)
                }
                #expect(try await events(id).map(\.event) == ["QUEUED@0"])
            }
        }
    }
}
