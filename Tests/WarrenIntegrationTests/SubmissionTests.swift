import Foundation
import Testing
import Warren
import WarrenPostgres
import WarrenTesting

/// How submissions are recorded: QUEUED only once the broker confirmed, PENDING when it could not.
@Suite(.timeLimit(.minutes(2))) struct SubmissionTests {
    @Test func aBatchLargerThanOneInsertRunsEveryTaskInOrder() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue()
        let client = try WarrenClient(configuration: configuration, logger: Servers.logger)
        let count = WarrenClient.maximumBatchSize + 101
        let handles = try await client.enqueue(
            TestTasks.Echo.self, batch: (0..<count).map { .init(value: .number(Double($0))) }, queue: queue)
        #expect(handles.count == count)
        #expect(Set(handles.map(\.id)).count == count)
        let first = try #require(try await client.status(of: handles[0].id))
        #expect(first.state == .queued)
        #expect(first.queuedAt != nil)
        try await withWorker(queues: [queue], concurrency: 16, configuration: configuration) {
            for (index, handle) in handles.enumerated() where index % 50 == 0 || index == count - 1 {
                #expect(try await handle.result(timeout: .seconds(30)) == .number(Double(index)))
            }
            let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
            try await eventually("every task of the batch succeeded") {
                let row = try await pool.query(
                    "SELECT count(*) AS n FROM warren.tasks WHERE queue = $1 AND state = $2", [queue, "SUCCESS"])
                return try row.first!.decode("n", as: Int.self) == count
            }
            await pool.close()
        }
        await client.shutdown()
    }

    @Test func anUnreachableBrokerLeavesTheTaskAcceptedAsPending() async throws {
        var configuration = try await Servers.configuration()
        configuration.amqpURL = "amqp://guest:guest@127.0.0.1:1/%2f"
        let client = try WarrenClient(configuration: configuration, logger: Servers.logger)
        let handle = try await client.enqueue(TestTasks.Echo.self, .init(value: "later"), queue: TestEnvironment.uniqueQueue())
        let record = try #require(try await client.status(of: handle.id))
        #expect(record.state == .pending)
        #expect(record.queuedAt == nil)
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
        let events = try await pool.query(
            "SELECT state FROM warren.task_events WHERE task_id = $1 ORDER BY id", [handle.id]
        ).map { try $0.decode("state", as: String.self) }
        #expect(events == ["PENDING"])
        await pool.close()
        await client.shutdown()
    }
}
