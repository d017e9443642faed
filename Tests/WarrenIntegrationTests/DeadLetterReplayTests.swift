import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// Replaying and purging dead letters (`POST /v1/dead-letters/replay`, `DELETE /v1/dead-letters`,
/// `warren dlq replay|purge`), against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct DeadLetterReplayTests {
    /// The ids of the dead letters of `task`, newest first, whatever became of them.
    func letters(of task: UUID, in queue: String, _ api: APITestClient) async throws -> [JSONValue] {
        let page = try await api.get("/v1/dead-letters?queue=\(queue)&status=all&limit=500")
        return (page.json["dead_letters"]?.arrayValue ?? []).filter {
            $0["task_id"] == .string(task.uuidString.lowercased())
        }
    }

    func deadMessages(_ queue: String, _ broker: AMQPConnection) async throws -> Int {
        try await broker.declareQueue("\(queue).dead", passive: true).messageCount
    }

    /// A task that failed at once on `queue`, run by a worker there, once its message waits in
    /// `<queue>.dead`.
    func failedTask(
        on queue: String, _ client: WarrenClient, _ broker: AMQPConnection, _ configuration: Configuration
    ) async throws -> UUID {
        try await withWorker(queues: [queue], configuration: configuration) {
            let id = try await client.submit(Submission(task: "test.fail", args: ["message": "no"], queue: queue)).id
            _ = try await client.waitForCompletion(of: id, timeout: .seconds(15))
            try await eventually("its message waits") { try await deadMessages(queue, broker) == 1 }
            return id
        }
    }

    @Test func aTaskThatFailsUntilItsFixIsReplayedToSuccessWithItsAttemptsAgain() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("replay")
        let gate = "gate-\(UUID().uuidString)"
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await withWorker(queues: [queue], configuration: configuration) {
                let id = try await client.submit(
                    Submission(task: "test.gated", args: ["gate": .string(gate)], queue: queue)
                ).id
                let failed = try await client.waitForCompletion(of: id, timeout: .seconds(15))
                #expect(failed.state == .failure && failed.attempts == 2)
                try await eventually("its message waits in \(queue).dead") {
                    try await deadMessages(queue, broker) == 1
                }
                try await withAPI(configuration) { api in
                    let first = try #require(try await letters(of: id, in: queue, api).first?["id"])
                    #expect(try await letters(of: id, in: queue, api).first?["status"] == "dead")

                    // Replayed with its gate still closed: two attempts more, not none, then dead again.
                    let replayed = try await api.postJSON("/v1/dead-letters/replay", #"{"ids": [\#(first.jsonText)]}"#)
                    #expect(replayed.status == .ok)
                    #expect(replayed.json["counts"] == ["replayed": 1])
                    #expect(replayed.json["results"]?.arrayValue?.first?["outcome"] == "replayed")
                    #expect(
                        replayed.json["removed_messages"]
                            == .array([["dead_letter_queue": .string("\(queue).dead"), "count": 1]]))
                    try await eventually("the replayed task fails again, after two more attempts") {
                        let record = try await client.status(of: id)
                        return record?.state == .failure && record?.attempts == 4
                    }
                    try await eventually("only its new dead letter's message waits in \(queue).dead") {
                        try await deadMessages(queue, broker) == 1
                    }

                    // The same replay again: each task is replayed once.
                    let again = try await api.postJSON("/v1/dead-letters/replay", #"{"ids": [\#(first.jsonText)]}"#)
                    #expect(again.json["results"]?.arrayValue?.first?["outcome"] == "already_replayed")
                    #expect(again.json["results"]?.arrayValue?.first?["state"] == "FAILURE")
                    #expect(try await client.status(of: id)?.attempts == 4)

                    // Fixed, then replayed from the CLI by filter.
                    try await TestTasks.Gated.open(gate, pool)
                    let cli = try await runProgram(
                        builtExecutable("warren"),
                        ["dlq", "replay", "--queue", queue, "--reason", "retries_exhausted", "--yes", "--json"])
                    #expect(cli.status == 0, "\(cli.output)")
                    let report = try JSONValue(parsing: Array(cli.output.utf8))
                    #expect(report["counts"] == ["replayed": 1])
                    let succeeded = try await client.waitForCompletion(of: id, timeout: .seconds(15))
                    #expect(succeeded.state == .success && succeeded.result == 5 && succeeded.attempts == 5)
                    try await eventually("\(queue).dead is empty") { try await deadMessages(queue, broker) == 0 }

                    let events = try #require(try await client.events(of: id)).map { "\($0.state)@\($0.attempt)" }
                    #expect(
                        events.filter { !$0.hasPrefix("QUEUED") } == [
                            "STARTED@1", "RETRY@1", "STARTED@2", "FAILURE@2", "REPLAYED@2", "STARTED@3", "RETRY@3",
                            "STARTED@4", "FAILURE@4", "REPLAYED@4", "STARTED@5", "SUCCESS@5",
                        ])
                    #expect(events.filter { $0.hasPrefix("QUEUED") }.count == 3)

                    // Its dead letters are both replayed now, and neither is waiting.
                    let statuses = try await letters(of: id, in: queue, api).map { $0["status"] }
                    #expect(statuses == ["replayed", "replayed"])
                    #expect(
                        try await api.get("/v1/dead-letters?queue=\(queue)").json["dead_letters"]?.arrayValue?.isEmpty
                            == true)
                    let latest = try #require(try await letters(of: id, in: queue, api).first?["id"])
                    let done = try await api.postJSON("/v1/dead-letters/replay", #"{"ids": [\#(latest.jsonText)]}"#)
                    #expect(done.json["results"]?.arrayValue?.first?["outcome"] == "already_replayed")
                    #expect(done.json["results"]?.arrayValue?.first?["state"] == "SUCCESS")
                }
            }
        }
    }

    @Test func aMessageNamingATaskThatSucceededIsNotReplayedAndSaysSo() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("replay-done")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let id = try await withWorker(queues: [queue], configuration: configuration) {
                let id = try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue)).id
                _ = try await client.waitForCompletion(of: id, timeout: .seconds(15))
                // An unreadable body claiming the task's id: a dead letter naming a task that succeeded.
                try await broker.publish([
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue,
                        properties: AMQPProperties(persistent: true, messageID: id.uuidString.lowercased()),
                        body: Array("not json".utf8))
                ])
                // And one naming no task at all.
                try await broker.publish([
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue,
                        properties: AMQPProperties(persistent: true), body: Array("nor this".utf8))
                ])
                try await eventually("both wait in \(queue).dead") { try await deadMessages(queue, broker) == 2 }
                return id
            }
            try await withAPI(configuration) { api in
                let replayed = try await api.postJSON(
                    "/v1/dead-letters/replay", #"{"queue": "\#(queue)", "all": true}"#)
                #expect(replayed.status == .ok)
                let outcomes = Set(
                    (replayed.json["results"]?.arrayValue ?? []).compactMap { $0["outcome"]?.stringValue })
                #expect(outcomes == ["task_succeeded", "unreadable"])
                #expect(try await deadMessages(queue, broker) == 2)
                #expect(try await client.status(of: id)?.state == .success)
                #expect(try await client.events(of: id)?.contains { $0.state == TaskEvent.replayed } == false)
            }
        }
    }

    @Test func aPurgeDiscardsWhatItNamesAndTouchesNothingElse() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("purge")
        let other = TestEnvironment.uniqueQueue("purge-other")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let failed = try await withWorker(queues: [queue, other], configuration: configuration) {
                var failed: [UUID] = []
                for target in [queue, queue, queue, other] {
                    failed.append(
                        try await client.submit(Submission(task: "test.fail", args: ["message": "no"], queue: target))
                            .id)
                }
                for id in failed { _ = try await client.waitForCompletion(of: id, timeout: .seconds(15)) }
                try await eventually("the dead letters wait") {
                    let here = try await deadMessages(queue, broker)
                    let there = try await deadMessages(other, broker)
                    return here == 3 && there == 1
                }
                return failed
            }
            try await withAPI(configuration) { api in
                let first = try #require(try await letters(of: failed[0], in: queue, api).first?["id"])

                // Without --yes, and with no terminal to ask on, the CLI purges nothing.
                let refused = try await runProgram(builtExecutable("warren"), ["dlq", "purge", first.jsonText])
                #expect(refused.status != 0)
                #expect(try await deadMessages(queue, broker) == 3)

                let purged = try await api.deleteJSON("/v1/dead-letters", #"{"ids": [\#(first.jsonText)]}"#)
                #expect(purged.status == .ok)
                #expect(purged.json["counts"] == ["purged": 1])
                #expect(try await deadMessages(queue, broker) == 2)
                #expect(try await deadMessages(other, broker) == 1)
                #expect(try await client.status(of: failed[0])?.state == .failure)
                #expect(try await client.events(of: failed[0])?.last?.state == TaskEvent.purged)
                for id in failed.dropFirst() {
                    #expect(try await client.events(of: id)?.last?.state == "FAILURE")
                    #expect(
                        try await letters(of: id, in: id == failed[3] ? other : queue, api).first?["status"] == "dead")
                }

                let unsaid = try await api.deleteJSON("/v1/dead-letters", #"{"queue": "\#(queue)"}"#)
                #expect(unsaid.status == .badRequest)
                #expect(unsaid.json["detail"]?.stringValue?.hasPrefix("all: ") == true)
                #expect(try await api.postJSON("/v1/dead-letters/replay", "{}").status == .badRequest)
                #expect(try await api.postJSON("/v1/dead-letters/replay", "not json").status == .badRequest)
                #expect(try await deadMessages(queue, broker) == 2)

                let twice = try await api.deleteJSON("/v1/dead-letters", #"{"ids": [\#(first.jsonText)]}"#)
                #expect(twice.json["results"]?.arrayValue?.first?["outcome"] == "already_purged")
                let replay = try await api.postJSON("/v1/dead-letters/replay", #"{"ids": [\#(first.jsonText)]}"#)
                #expect(replay.json["results"]?.arrayValue?.first?["outcome"] == "already_purged")
                #expect(try await client.status(of: failed[0])?.state == .failure)

                let rest = try await runProgram(
                    builtExecutable("warren"), ["dlq", "purge", "--queue", queue, "--all", "--yes", "--json"])
                #expect(rest.status == 0, "\(rest.output)")
                #expect(try JSONValue(parsing: Array(rest.output.utf8))["counts"] == ["purged": 2])
                #expect(try await deadMessages(queue, broker) == 0)
                #expect(try await deadMessages(other, broker) == 1)
                #expect(try await client.status(of: failed[3])?.state == .failure)
            }
        }
    }

    @Test func twoReplaysAtOnceReplayATaskOnce() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("replay-race")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let id = try await failedTask(on: queue, client, broker, configuration)
            // No worker now: the replayed task waits in its queue.
            let selection = try DeadLetterSelection(filters: [("queue", queue)], all: true, now: Date())
            async let one = client.replay(selection)
            async let two = client.replay(selection)
            // The second either waited for the first and found the dead letter replayed, or came
            // after it and found none waiting.
            let outcomes = ((try await one).results + (try await two).results).map(\.outcome)
            #expect(outcomes.filter { $0 == .replayed }.count == 1)
            #expect(outcomes.allSatisfy { $0 == .replayed || $0 == .alreadyReplayed })
            #expect(try await client.events(of: id)?.filter { $0.state == TaskEvent.replayed }.count == 1)
            try await eventually("the task waits in \(queue), once") {
                let waiting = try await broker.declareQueue(queue, passive: true).messageCount
                let state = try await client.status(of: id)?.state
                return waiting == 1 && state == .queued
            }
            #expect(try await deadMessages(queue, broker) == 0)
        }
    }

    @Test func aMessageDeadLetteredWithoutAKeyIsFoundByItsTask() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("purge-keyless")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let pool = await servers.pool(uri: configuration.databaseURL)
            let id = try await failedTask(on: queue, client, broker, configuration)
            // As dead-lettered before keys were written: a row without a key, a message without the header.
            _ = try await pool.query("UPDATE warren.dead_letters SET key = NULL WHERE task_id = \(id)")
            try await broker.publish([
                AMQPOutgoingMessage(
                    exchange: Topology.deadLetterExchange, routingKey: queue,
                    properties: AMQPProperties(persistent: true, messageID: id.uuidString.lowercased()),
                    body: Array("{}".utf8))
            ])
            try await eventually("both copies wait") { try await deadMessages(queue, broker) == 2 }
            let report = try await client.purge(
                try DeadLetterSelection(filters: [("queue", queue)], all: true, now: Date()))
            #expect(report.counts == [.purged: 1])
            // The keyless copy goes; the keyed one names a key no dead letter has now, and stays.
            #expect(report.removedMessages.map(\.count) == [1])
            let left = try #require(try await broker.get(queue: "\(queue).dead"))
            #expect(left.properties.headers["x-warren-dead-letter-key"] != nil)
        }
    }
}
