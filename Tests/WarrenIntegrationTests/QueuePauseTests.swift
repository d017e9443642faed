import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// Pausing and resuming queues (`POST /v1/queues/{name}/pause|resume`, `warren queues pause|resume`),
/// against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct QueuePauseTests {
    @Test func aPausedQueueIsNotConsumedAcrossRestartsAndAResumedOneIs() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("pause")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            func consumers() async throws -> Int { try await broker.declareQueue(queue, passive: true).consumerCount }
            func ready() async throws -> Int { try await broker.declareQueue(queue, passive: true).messageCount }
            try await client.declare(queue: queue)
            let ids = try await withWorker(queues: [queue], configuration: configuration) {
                try await withAPI(configuration) { api in
                    #expect(try await api.postJSON("/v1/queues/no-such-queue-\(UUID())/pause", "").status == .notFound)
                    let paused = try await api.postJSON("/v1/queues/\(queue)/pause", "")
                    #expect(paused.status == .ok)
                    #expect(paused.json["paused"] == true && paused.json["paused_at"]?.stringValue != nil)
                }
                try await eventually("the worker stops consuming \(queue)") { try await consumers() == 0 }
                var ids: [UUID] = []
                for _ in 0..<5 {
                    ids.append(
                        try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue)).id)
                }
                try await Task.sleep(for: .seconds(1))
                #expect(try await ready() == 5)
                for id in ids { #expect(try await client.status(of: id)?.state == .queued) }
                return ids
            }
            // A worker started while the queue is paused does not consume it either: once it
            // consumes its other queue, it has started, and leaves this one alone.
            let other = TestEnvironment.uniqueQueue("pause-other")
            try await client.declare(queue: other)
            try await withWorker(queues: [queue, other], configuration: configuration, consumed: [other]) {
                #expect(try await consumers() == 0)
                #expect(try await ready() == 5)
                let resumed = try await runProgram(builtExecutable("warren"), ["queues", "resume", queue])
                #expect(resumed.status == 0, "\(resumed.output)")
                for id in ids {
                    #expect(try await client.waitForCompletion(of: id, timeout: .seconds(15)).state == .success)
                }
                #expect(try await consumers() == 1)
                let paused = try await runProgram(builtExecutable("warren"), ["queues", "pause", queue])
                #expect(paused.status == 0 && paused.output.contains("\(queue) is paused"), "\(paused.output)")
                try await eventually("the worker stops consuming \(queue) again") { try await consumers() == 0 }
                _ = try await client.resume(queue: queue)
                try await eventually("the worker consumes \(queue) again") { try await consumers() == 1 }
            }
        }
    }

    @Test func deliveriesTakenBeforeThePauseThatHaveNotStartedGoBack() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("pause-held")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            try await client.declare(queue: queue)
            // One slot, busy until the test opens a gate once the worker has stopped consuming: the
            // other deliveries wait in the worker, taken but not started, until the pause is seen.
            let gate = "pause-held-\(UUID().uuidString)"
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await withWorker(queues: [queue], concurrency: 1, prefetch: 10, configuration: configuration) {
                let busy = try await client.submit(
                    Submission(
                        task: "test.progress", args: ["steps": 1, "milliseconds": 1, "gate": .string(gate)],
                        queue: queue)
                ).id
                try await eventually("the long task starts") {
                    try await client.status(of: busy)?.progress?.message == "halfway"
                }
                var waiting: [UUID] = []
                for _ in 0..<4 {
                    waiting.append(
                        try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue)).id)
                }
                try await eventually("the worker holds them") {
                    try await broker.declareQueue(queue, passive: true).messageCount == 0
                }
                _ = try await client.pause(queue: queue)
                try await eventually("the worker stops consuming \(queue)") {
                    try await broker.declareQueue(queue, passive: true).consumerCount == 0
                }
                try await TestTasks.Gated.open(gate, pool)
                #expect(try await client.waitForCompletion(of: busy, timeout: .seconds(15)).state == .success)
                try await eventually("what it held goes back to \(queue)") {
                    try await broker.declareQueue(queue, passive: true).messageCount == 4
                }
                for id in waiting { #expect(try await client.status(of: id)?.state == .queued) }
                try await client.resume(queue: queue)
                for id in waiting {
                    #expect(try await client.waitForCompletion(of: id, timeout: .seconds(15)).state == .success)
                }
            }
        }
    }
}
