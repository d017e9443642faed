import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// The queues at a glance (`GET /v1/queues`, `warren queues`), against the real broker, its
/// management API and the database.
@Suite(.timeLimit(.minutes(2))) struct QueueOverviewTests {
    /// `rabbitmqctl list_queues` of the test's virtual host: each queue's ready, unacked and consumers.
    static func listQueues(_ configuration: Configuration) async throws -> [String: [Int]] {
        let environment = ProcessInfo.processInfo.environment
        let node = try #require(environment["RABBITMQ_NODENAME"], "scripts/test exports the node's name")
        let vhost = try AMQPEndpoint(url: configuration.amqpURL).virtualHost
        let listed = try await runProgram(
            "/usr/sbin/rabbitmqctl",
            [
                "-n", node, "-q", "list_queues", "-p", vhost, "--no-table-headers", "name", "messages_ready",
                "messages_unacknowledged", "consumers",
            ])
        #expect(listed.status == 0, "\(listed.output)")
        var queues: [String: [Int]] = [:]
        for line in listed.output.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init)
            guard fields.count == 4 else { continue }
            queues[fields[0]] = fields.dropFirst().compactMap { Int($0) }
        }
        return queues
    }

    @Test func theFiguresMatchRabbitMQsOwn() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("overview")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            try await client.declare(queue: queue)
            for _ in 0..<5 {
                _ = try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue))
            }
            // A consumer that takes two and acks neither.
            let holder = try await servers.broker()
            let held = try await holder.consume(queues: [queue], prefetch: 2)
            var iterator = held.makeAsyncIterator()
            for _ in 0..<2 { _ = try await iterator.next() }
            try await broker.publish([
                AMQPOutgoingMessage(
                    exchange: Topology.deadLetterExchange, routingKey: queue,
                    properties: AMQPProperties(persistent: true),
                    body: Array("{}".utf8))
            ])
            let listed = try await Self.listQueues(configuration)
            #expect(listed[queue] == [3, 2, 1])
            #expect(listed["\(queue).dead"]?.first == 1)
            try await withAPI(configuration) { api in
                // The management API's statistics are refreshed every 5 s (RabbitMQ's default). A
                // request asks RabbitMQ about every queue the suite made: twice a second is enough.
                var shown: JSONValue = .null
                try await eventually(
                    timeout: .seconds(30), every: .milliseconds(500), "GET /v1/queues shows what rabbitmqctl does"
                ) {
                    let queues = try await api.get("/v1/queues").json["queues"]?.arrayValue ?? []
                    shown = queues.first { $0["queue"] == .string(queue) } ?? .null
                    return shown["unacknowledged"] == 2 && shown["oldest_waiting_seconds"] != .null
                }
                #expect(shown["ready"] == 3 && shown["consumers"] == 1 && shown["dead_letters"] == 1)
                #expect(shown["dead_letter_queue"] == .string("\(queue).dead"))
                #expect(shown["paused"] == false && shown["paused_at"] == .null)
                guard case .number(let oldest)? = shown["oldest_waiting_seconds"] else {
                    Issue.record("no oldest_waiting_seconds: \(shown)")
                    return
                }
                #expect(oldest.doubleValue >= 0 && oldest.doubleValue < 60)
                #expect(shown["last_minute"]?["succeeded"] == 0 && shown["last_minute"]?["failure_rate"] == .null)
            }
            let cli = try await runProgram(builtExecutable("warren"), ["queues", "--json"])
            #expect(cli.status == 0)
            let fromCLI = try JSONValue(parsing: Array(cli.output.utf8))["queues"]?.arrayValue?.first {
                $0["queue"] == .string(queue)
            }
            #expect(fromCLI?["ready"] == 3)
            let table = try await runProgram(builtExecutable("warren"), ["queues"])
            #expect(table.output.contains("QUEUE") && table.output.contains(queue))
        }
    }

    @Test func finishedTasksAreCountedPerQueueOverTheLastMinuteAndHour() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("overview-counts")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                var ids: [UUID] = []
                for _ in 0..<3 {
                    ids.append(
                        try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue)).id)
                }
                ids.append(
                    try await client.submit(Submission(task: "test.fail", args: ["message": "no"], queue: queue)).id)
                for id in ids { _ = try await client.waitForCompletion(of: id, timeout: .seconds(15)) }
            }
            // The worker adds its last counts as it stops.
            let overview = try #require(try await client.queues().queues.first { $0.queue == queue })
            #expect(overview.lastMinute == QueueCounts(succeeded: 3, failed: 1))
            #expect(overview.lastHour == QueueCounts(succeeded: 3, failed: 1))
            #expect(overview.lastMinute.failureRate == 0.25)
            #expect(overview.consumers == 0 && overview.ready == 0 && overview.deadLetters == 1)
        }
    }

    @Test func withoutTheManagementAPITheRestIsStillShown() async throws {
        var configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("overview-blind")
        configuration.rabbitmqAPIURL = "http://127.0.0.1:1"
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            _ = try await client.submit(Submission(task: "test.echo", args: ["value": 1], queue: queue))
            let overview = try await client.queues()
            #expect(overview.managementError?.contains("127.0.0.1:1") == true)
            let shown = try #require(overview.queues.first { $0.queue == queue })
            #expect(shown.ready == 1 && shown.unacknowledged == nil && shown.oldestWaitingSeconds == nil)
            #expect(overview.document["rabbitmq_api"]?["ok"] == false)
        }
    }
}
