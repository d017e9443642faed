import Foundation
import Testing
import Warren
import WarrenPostgres
import WarrenTesting

/// docs/protocol.md, proven with a foreign client: `amqp-publish` and `amqp-get` from Debian's amqp-tools.
@Suite(.timeLimit(.minutes(2))) struct InteropTests {
    @Test func aForeignConsumerReadsWhatWarrenPublishes() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let handle = try await client.enqueue(
                TestTasks.Echo.self, .init(value: ["k": "v"]), queue: queue, priority: 3)
            let (status, output) = try await runProgram(
                "/usr/bin/amqp-get", ["--url", configuration.amqpURL, "-q", queue])
            #expect(status == 0)
            let body = try JSONValue(parsing: Array(output.utf8))
            #expect(body["v"] == 1)
            #expect(body["id"] == .string(handle.id.uuidString.lowercased()))
            #expect(body["task"] == "test.echo")
            #expect(body["queue"] == .string(queue))
            #expect(body["args"] == ["value": ["k": "v"]])
            #expect(body["created_at"]?.stringValue.flatMap(ISO8601Timestamp.parse) != nil)
        }
    }

    /// With the start written with the outcome (a delay the task surely ends within) and before
    /// the task runs (a delay of zero): the two statements that create a row from a message; and
    /// with and without an ETA (past, so that it runs at once).
    @Test(arguments: [Duration.seconds(5), .zero], [false, true])
    func warrenRunsWhatAForeignProducerPublishes(recordStartAfter: Duration, withETA: Bool) async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let client = try await servers.client(configuration)
            let id = UUID()
            let eta = withETA ? #","eta":"2026-11-25T10:00:01Z""# : ""
            let body =
                #"{"v":1,"id":"\#(id.uuidString.lowercased())","task":"test.echo","queue":"\#(queue)","args":{"value":[1,2,3]},"created_at":"2026-11-25T10:00:00Z","retry":{"max_retries":7}\#(eta)}"#
            try await withWorker(queues: [queue], recordStartAfter: recordStartAfter, configuration: configuration) {
                let (status, _) = try await runProgram(
                    "/usr/bin/amqp-publish",
                    [
                        "--url", configuration.amqpURL, "-e", Topology.taskExchange, "-r", queue, "-p", "-C",
                        "application/json",
                        "-b", body,
                    ])
                #expect(status == 0)
                // The row appears only when the worker starts the task: nobody submitted it through Warren.
                try await eventually("the worker created the task's row") { try await client.status(of: id) != nil }
                let record = try await client.waitForCompletion(of: id, timeout: .seconds(15))
                #expect(record.state == .success)
                #expect(record.result == [1, 2, 3])
                #expect(record.task == "test.echo")
                // The row is made from the message: its creation time and retry policy, not defaults.
                #expect(record.createdAt == Date(timeIntervalSince1970: 1_795_600_800))
                #expect(record.retryPolicy?.maxRetries == 7)
                // Its history starts as a submitted task's does: QUEUED (SCHEDULED with an ETA) when the
                // message was made.
                let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
                let events = try await pool.query(
                    """
                    SELECT state, attempt, extract(epoch FROM at)::float8 AS at FROM warren.task_events
                    WHERE task_id = \(id) ORDER BY id
                    """)
                #expect(
                    try events.map {
                        "\(try $0.decode("state", as: String.self))@\(try $0.decode("attempt", as: Int.self))"
                    }
                        == [withETA ? "SCHEDULED@0" : "QUEUED@0", "STARTED@1", "SUCCESS@1"])
                #expect(try events.first?.decode("at", as: Double.self) == 1_795_600_800)
            }
        }
    }

    /// A foreign message's envelope may name any queue; what the worker counts (warren.queue_stats,
    /// and its metrics' labels) is the queue it took the message from, so that a producer cannot
    /// make the counts grow without bound.
    @Test func countsNameTheQueueAMessageCameFromNotTheOneItsEnvelopeNames() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue()
            let named = TestEnvironment.uniqueQueue()
            let id = UUID()
            let body =
                #"{"v":1,"id":"\#(id.uuidString.lowercased())","task":"test.echo","queue":"\#(named)","args":{"value":1},"created_at":"2026-12-07T10:00:00Z"}"#
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            try await withWorker(queues: [queue], configuration: configuration) {
                let (status, _) = try await runProgram(
                    "/usr/bin/amqp-publish",
                    [
                        "--url", configuration.amqpURL, "-e", Topology.taskExchange, "-r", queue, "-p", "-b", body,
                    ])
                #expect(status == 0)
                // The row appears only when the worker starts the task: nobody submitted it through Warren.
                try await eventually("the worker created the task's row") { try await client.status(of: id) != nil }
                #expect(try await client.waitForCompletion(of: id, timeout: .seconds(15)).state == .success)
                try await eventually("the worker counted the task") {
                    let rows = try await pool.query(
                        "SELECT coalesce(sum(succeeded), 0)::int AS n FROM warren.queue_stats WHERE queue = \(queue)")
                    return try rows.first?.decode("n", as: Int.self) == 1
                }
                let counted = try await pool.query(
                    "SELECT count(*) AS n FROM warren.queue_stats WHERE queue = \(named)")
                #expect(try counted.first?.decode("n", as: Int.self) == 0)
            }
        }
    }
}
