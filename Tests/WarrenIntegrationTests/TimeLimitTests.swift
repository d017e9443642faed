import Foundation
import Testing
import Warren
import WarrenTesting

/// Soft limits cancel, hard limits fail the attempt and free its slot, and a task that cannot be
/// stopped makes its worker process exit for its supervisor to restart.
@Suite(.timeLimit(.minutes(2))) struct TimeLimitTests {
    @Test func aSoftLimitCancelsTheTask() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("limit")
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(TestTasks.Slow.self, .init(seconds: 30), queue: queue)
                await #expect(throws: TaskError.self) { try await handle.result(timeout: .seconds(20)) }
                let record = try #require(try await client.status(of: handle.id))
                // Ended by the soft limit (1 s), before the hard one (5 s): the attempt's own time,
                // which a busy machine's wait for a worker does not count in.
                #expect(try #require(record.finishedAt).timeIntervalSince(try #require(record.startedAt)) < 5)
                #expect(record.error?["type"] == "SoftTimeLimitExceeded")
                #expect(record.error?["message"]?.stringValue?.contains("CancellationError") == true)
            }
        }
    }

    @Test func aHardLimitFailsTheAttemptAndFreesItsSlot() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("limit")
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], concurrency: 1, configuration: configuration) {
                let stubborn = try await client.enqueue(TestTasks.Stubborn.self, .init(seconds: 4), queue: queue)
                let next = try await client.enqueue(TestTasks.Echo.self, .init(value: "next"), queue: queue)
                // One slot: the next task runs only once the stubborn one's slot is freed at its limit.
                #expect(try await next.result(timeout: .seconds(20)) == "next")
                let record = try #require(try await client.status(of: stubborn.id))
                #expect(record.state == .failure)
                #expect(record.error?["reason"] == "time_limit")
                #expect(try #require(record.finishedAt).timeIntervalSince(try #require(record.startedAt)) < 3)
                // When the stubborn code does finish, nothing more is recorded.
                try await Task.sleep(for: .seconds(4))
                #expect(try await client.status(of: stubborn.id)?.state == .failure)
            }
        }
    }

    @Test func aTaskThatCannotBeStoppedMakesTheWorkerProcessExit() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("limit")
            let client = try await servers.client(configuration)
            // A runaway may outlive its hard limit by 1 s.
            try await withWorkerProcess([queue, "2", "1"]) { process in
                try await waitForConsumer(on: queue)
                let handle = try await client.enqueue(TestTasks.Stubborn.self, .init(seconds: 600), queue: queue)
                try await eventually(timeout: .seconds(20), "the worker exited") { !process.isRunning }
                #expect(process.terminationReason == .exit)
                #expect(process.terminationStatus == 70)
                let record = try #require(try await client.status(of: handle.id))
                #expect(record.state == .failure)
                #expect(record.error?["reason"] == "time_limit")
            }
        }
    }
}
