import Foundation
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

extension Faults {
    /// Hostile inputs over REST (to a real `warren api`) and over AMQP (raw publishes to a queue a
    /// real worker consumes): each must get its 4xx or its dead letter, and afterwards the API still
    /// answers, the worker never restarted, and a good task still runs.
    func inputs() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "inputs")
        let queue = queue("inputs")
        let workers = try await startWorkers(1, queue: queue, concurrency: 4)
        let port = try freePort()
        let api = Process()
        api.executableURL = URL(fileURLWithPath: executable("warren"))
        api.arguments = ["api"]
        api.environment = ProcessInfo.processInfo.environment.merging(["WARREN_HTTP_PORT": "\(port)"]) { $1 }
        api.standardError = FileHandle.nullDevice
        api.standardOutput = FileHandle.nullDevice
        try api.run()
        defer {
            api.terminate()
            api.waitUntilExit()
            for worker in workers { worker.stop() }
        }
        let http = HTTPProbe(port: port)
        var up = false
        for _ in 0..<120 where !up {
            up = await http.send("GET", "/healthz").status == 200
            if !up { try await Task.sleep(for: .milliseconds(250)) }
        }
        guard up else {
            row.problems.append("the API did not come up")
            return row
        }
        var checks = 0
        func check(_ input: String, _ answer: String, _ fine: Bool) {
            checks += 1
            row.notes.append("\(fine ? "ok  " : "BAD ") \(input) → \(answer)")
            if !fine { row.problems.append("\(input) → \(answer)") }
        }

        for probe in restProbes(queue: queue) {
            let answer = await http.send(probe.method, probe.path, contentType: probe.contentType, body: probe.body)
            let type = (try? JSONValue(parsing: Array(answer.body.utf8)))?["type"]?.stringValue ?? ""
            check(
                probe.input, "\(answer.status) \(type.replacingOccurrences(of: "urn:warren:problem:", with: ""))",
                probe.expected.contains(answer.status))
        }
        let key = "inputs-\(UUID().uuidString.prefix(8))"
        let first = await http.send(
            "POST", "/v1/tasks",
            body: Array(
                #"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)","idempotency_key":"\#(key)"}"#.utf8))
        let second = await http.send(
            "POST", "/v1/tasks",
            body: Array(
                #"{"task":"test.echo","args":{"value":2},"queue":"\#(queue)","idempotency_key":"\#(key)"}"#.utf8))
        check(
            "an idempotency key again with other arguments", "\(first.status) then \(second.status)",
            first.status == 202 && second.status == 409)

        let broker = try await AMQPConnection.connect(to: AMQPEndpoint(url: configuration.amqpURL))
        for probe in amqpProbes(queue: queue) {
            let id = UUID()
            var properties = probe.properties
            properties.messageID = id.uuidString
            try await broker.publish(
                AMQPOutgoingMessage(
                    exchange: Topology.taskExchange, routingKey: queue, properties: properties, body: probe.body(id)))
            var reason = "nothing within 30 s"
            for _ in 0..<120 {
                let rows = try await query("SELECT reason FROM warren.dead_letters WHERE task_id = \(id)")
                if let found = rows.first {
                    reason = "dead letter \(try found.decode("reason", as: String.self))"
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            check(probe.input, reason, reason == "dead letter \(probe.expected)")
        }
        await broker.close()

        let health = await http.send("GET", "/healthz")
        check("the API afterwards", "\(health.status)", health.status == 200)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 1, logger: logger)
        let good = try await client.enqueue(TestTasks.Echo.self, .init(value: "still here"), queue: queue)
        let ran = (try? await good.result(timeout: .seconds(30))) == "still here"
        await client.shutdown()
        check("a good task afterwards", ran ? "SUCCESS" : "did not run", ran)
        let restarts = workers.map(\.starts).reduce(0, +) - workers.count
        check("worker restarts", "\(restarts)", restarts == 0)
        row.accepted = checks
        row.succeeded = checks - row.problems.count
        return row
    }

    private struct RESTProbe {
        var input: String
        var method = "POST"
        var path = "/v1/tasks"
        var contentType: String? = "application/json"
        var body: [UInt8]
        var expected: Set<Int>
    }

    private func restProbes(queue: String) -> [RESTProbe] {
        func submission(_ fields: String) -> [UInt8] {
            Array(#"{"task":"test.echo","args":{"value":1},"queue":"\#(queue)",\#(fields)}"#.utf8)
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let wide = "{" + (0..<20_000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        let long = String(repeating: "q", count: 300)
        return [
            RESTProbe(
                input: "retry.max_retries 1e300 (once trapped)", body: submission(#""retry":{"max_retries":1e300}"#),
                expected: [422]),
            RESTProbe(input: "max_retries -1", body: submission(#""max_retries":-1"#), expected: [422]),
            RESTProbe(input: "priority 1e400", body: submission(#""priority":1e400"#), expected: [400]),
            RESTProbe(
                input: "priority 99999999999999999999", body: submission(#""priority":99999999999999999999"#),
                expected: [422]),
            RESTProbe(input: "countdown -5", body: submission(#""countdown":-5"#), expected: [422]),
            RESTProbe(input: "countdown 1e20", body: submission(#""countdown":1e20"#), expected: [422]),
            RESTProbe(
                input: "JSON nested 100,000 deep", body: Array(#"{"task":"test.echo","args":\#(deep)}"#.utf8),
                expected: [400, 413, 422]),
            RESTProbe(
                input: "arguments with 20,000 keys",
                body: Array(#"{"task":"test.echo","queue":"\#(queue)","args":\#(wide)}"#.utf8), expected: [202, 422]),
            RESTProbe(
                input: "invalid UTF-8",
                body: Array(#"{"task":"test.echo","args":{"value":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
                expected: [400]),
            RESTProbe(input: "NUL in an argument", body: submission(#""idempotency_key":"a\u0000b""#), expected: [422]),
            RESTProbe(
                input: "a 2 MiB body", body: Array(repeating: UInt8(ascii: " "), count: 2 * 1_048_576), expected: [413]),
            RESTProbe(
                input: "an unknown queue",
                body: Array(#"{"task":"test.echo","args":{"value":1},"queue":"nobody-\#(UUID())"}"#.utf8),
                expected: [422]),
            RESTProbe(
                input: "the queue warren.delay.3",
                body: Array(#"{"task":"test.echo","args":{"value":1},"queue":"warren.delay.3"}"#.utf8), expected: [422]),
            RESTProbe(
                input: "the queue \(queue).dead",
                body: Array(#"{"task":"test.echo","args":{"value":1},"queue":"\#(queue).dead"}"#.utf8), expected: [422]),
            RESTProbe(
                input: "a 300-byte queue name",
                body: Array(#"{"task":"test.echo","args":{"value":1},"queue":"\#(long)"}"#.utf8), expected: [422]),
            RESTProbe(
                input: "a 300-byte task name", body: Array(#"{"task":"\#(long)","args":{}}"#.utf8), expected: [422]),
            RESTProbe(input: "an ETA in 1999", body: submission(#""eta":"1999-01-01T00:00:00Z""#), expected: [202]),
            RESTProbe(input: "an ETA in 3000", body: submission(#""eta":"3000-01-01T00:00:00Z""#), expected: [422]),
            RESTProbe(
                input: "Content-Type text/plain", contentType: "text/plain", body: submission(#""priority":1"#),
                expected: [202, 400, 415]),
            RESTProbe(
                input: "no Content-Type", contentType: nil, body: submission(#""priority":1"#),
                expected: [202, 400, 415]),
            RESTProbe(
                input: "a revoke of a malformed id", path: "/v1/tasks/not-a-uuid/revoke", body: Array("{}".utf8),
                expected: [400]),
            RESTProbe(
                input: "wait=1e9", method: "GET", path: "/v1/tasks/\(UUID())?wait=1e9", body: [], expected: [400]),
        ]
    }

    private struct AMQPProbe {
        var input: String
        /// The body of the message whose id is the one given.
        var body: (UUID) -> [UInt8]
        var properties = AMQPProperties()
        var expected: String
    }

    private func amqpProbes(queue: String) -> [AMQPProbe] {
        // An envelope that would run, but for what a probe changes: its id is the message's, so
        // that a dead letter of a body that decodes can be found by it.
        func envelope(_ id: UUID, task: String = "test.echo", queue: String = queue) -> String {
            #"{"v":1,"id":"\#(id)","task":"\#(task)","queue":"\#(queue)","args":{"value":1},"created_at":"2026-01-01T00:00:00Z""#
        }
        var wrongHeaders = AMQPProperties()
        wrongHeaders.headers = ["warren-version": .string("one"), "x-warren-turn": .string("soon")]
        return [
            AMQPProbe(
                input: "a truncated body", body: { Array(envelope($0).utf8.prefix(40)) }, expected: "invalid_message"),
            AMQPProbe(
                input: "garbage bytes", body: { _ in [0xFF, 0xFE, 0x00, 0x13, 0x37] }, expected: "invalid_message"),
            AMQPProbe(input: "an empty body", body: { _ in [] }, expected: "invalid_message"),
            AMQPProbe(
                input: "retry.max_retries 1e300 in a message",
                body: { Array((envelope($0) + #","retry":{"max_retries":1e300}}"#).utf8) }, expected: "invalid_message"),
            AMQPProbe(
                input: "a queue field naming warren.delay.1",
                body: { Array((envelope($0, queue: "warren.delay.1") + "}").utf8) }, expected: "invalid_message"),
            AMQPProbe(
                input: "an unknown task", body: { Array((envelope($0, task: "no.such.task") + "}").utf8) },
                expected: "unknown_task"),
            AMQPProbe(
                input: "a body over the workers' limit",
                body: { _ in Array(repeating: UInt8(ascii: " "), count: self.configuration.maximumMessageBytes + 1) },
                expected: "invalid_message"),
            AMQPProbe(
                input: "headers of the wrong type, garbage body", body: { _ in Array("{".utf8) },
                properties: wrongHeaders, expected: "invalid_message"),
        ]
    }

    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
