import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// A task type's rate limit holds across workers, against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct RateLimitTests {
    @Test func twoWorkersTogetherStartNoMoreThanTheLimit() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            let queue = TestEnvironment.uniqueQueue("paced")
            let count = 12
            // Countdowns, so the ones that wait for a later turn also postpone their relay. They all
            // wait in the queue before a worker starts, so that their turns are taken together, one
            // right after another: next_turn then says how many turns were taken.
            try await client.declare(queue: queue)
            var handles: [TaskHandle<TestTasks.Paced>] = []
            for _ in 0..<count {
                handles.append(
                    try await client.enqueue(TestTasks.Paced.self, .init(), queue: queue, countdown: .seconds(1)))
            }
            let broker = try await servers.broker()
            try await eventually("the \(count) tasks are due in \(queue)") {
                try await broker.declareQueue(queue, passive: true).messageCount == count
            }
            // Enough slots for every task to take its turn at once: turns over a second away are then
            // waited for in the delay queues, and come back to either worker.
            let ranAt = try await withWorker(queues: [queue], concurrency: count, configuration: configuration) {
                try await withWorker(queues: [queue], concurrency: count, configuration: configuration) {
                    var ranAt: [Date] = []
                    for handle in handles {
                        ranAt.append(Date(timeIntervalSince1970: try await handle.result(timeout: .seconds(30))))
                    }
                    return ranAt
                }
            }
            // When each task ran, as it says: a start written with its outcome is stored as the
            // statement's now() less the run time, so a busy server's delay moves it later.
            let starts = ranAt.sorted()
            let nextTurn = try #require(
                try await pool.query(
                    "SELECT next_turn FROM warren.rate_limits WHERE task = \(TestTasks.Paced.name)"
                ).first
            ).decode("next_turn", as: Date.self)

            // 5/s with a burst of 1: a turn every 0.2 s, those due over a second later waited for in
            // the delay queues. Unlimited, the 12 would all start within a few milliseconds.
            #expect(starts.count == count)
            // Exactly one turn per task: a message back from the delay queues does not take another
            // (each extra turn would put this first turn 0.2 s later, past the first start).
            let firstTurn = nextTurn.addingTimeInterval(-Double(count) * 0.2)
            #expect(
                firstTurn.timeIntervalSince(starts.first!) <= 0.02,
                "the first of \(count) turns came \(firstTurn.timeIntervalSince(starts.first!)) s after the first start"
            )
            // No task starts before its turn. A busy machine may start one late, never early: by any
            // moment, no more have started than turns have come.
            for (index, start) in starts.enumerated() {
                let turn = firstTurn.addingTimeInterval(Double(index) * 0.2)
                #expect(
                    start.timeIntervalSince(turn) >= -0.02,
                    "start \(index + 1) came \(turn.timeIntervalSince(start)) s before turn \(index + 1)")
            }
        }
    }
}
