import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Warren
import WarrenPostgres
import WarrenTesting

/// Warren measured as a user runs it: real worker and API processes, noop tasks, every result
/// stored before its ack.
struct EndToEnd {
    let configuration: Configuration
    let logger: Logger
    let pool: PostgresPool

    struct Run {
        var tasks: Int
        /// The CPU used during the run, and how long it took.
        var cpu: CPUUse
        var tasksPerSecond: Double { Double(tasks) / cpu.seconds }
    }

    /// The API key the benchmark's requests send: a `submit` key stored in `warren.api_keys`
    /// (``storeAPIKey(_:)``), so that they pay for authentication as a deployment's do.
    static let apiKey = "wk_bench-\(UUID().uuidString)"

    /// Stores ``apiKey`` as `warren api` keeps keys: its SHA-256 only. (`warren keys create`
    /// makes a key of its own; the benchmark needs to know its key before it makes its clients.)
    static func storeAPIKey(_ pool: PostgresPool) async throws {
        _ = try await pool.query(
            """
            INSERT INTO warren.api_keys (name, role, prefix, hash)
            VALUES ('benchmark', 'submit', \(String(apiKey.prefix(9))), decode(\(KeyDigest(of: apiKey).hex), 'hex'))
            ON CONFLICT (hash) DO NOTHING
            """)
    }

    /// Starts `count` worker processes on `queue` and waits until each consumes. Each serves its
    /// metrics, as a deployment's workers do, so that the figures include recording them.
    func startWorkers(_ count: Int, queue: String, concurrency: Int, prefetch: Int) async throws -> [BenchProcess] {
        var workers: [BenchProcess] = []
        for index in 0..<count {
            workers.append(
                try BenchProcess(
                    name: "worker\(index + 1)",
                    arguments: [
                        "worker", "--queues", queue, "--concurrency", "\(concurrency)", "--prefetch", "\(prefetch)",
                        "--log-level", "warning", "--metrics-port", "0",
                    ],
                    environment: [:]))
        }
        try await TestEnvironment.waitForConsumers(
            count, on: queue, amqpURL: configuration.amqpURL, timeout: .seconds(30))
        return workers
    }

    /// Submits `count` tasks of type `task` through the typed client in batches of `batchSize`,
    /// from `submitters` concurrent loops, and waits until every row is SUCCESS.
    func typedClientRun<Definition: TaskDefinition>(
        _ task: Definition.Type, _ arguments: Definition.Arguments, count: Int, queue: String,
        submitters: Int, batchSize: Int, workers: [BenchProcess]
    ) async throws -> Run {
        let client = try WarrenClient(configuration: configuration, maximumConnections: 4, logger: logger)
        defer { Task { await client.shutdown() } }
        let cpuBefore = CPUAccount(processes: workers)
        let ids = try await submitInLanes(count: count, lanes: submitters, batchSize: batchSize) { size in
            try await client.enqueue(task, batch: Array(repeating: arguments, count: size), queue: queue).map(\.id)
        }
        try await waitForSuccess(ids)
        return Run(tasks: count, cpu: CPUAccount(processes: workers).since(cpuBefore))
    }

    /// `POST /v1/tasks` with noop tasks from `clients` concurrent connections for `seconds`, driven
    /// by `wrk` (a C load generator in its own process, so the client's cost is not Warren's).
    /// Returns the run, with the CPU of `processes` and the rest; every answer must be 202.
    func restSubmission(seconds: Int, queue: String, clients: Int, port: Int, processes: [BenchProcess]) async throws
        -> Run
    {
        try await warmUp(port: port, queue: queue)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("warren-bench-\(UUID()).lua")
        try """
        wrk.method = "POST"
        wrk.body = '{"task":"noop","args":{},"queue":"\(queue)"}'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer \(Self.apiKey)"
        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = [
            "-t\(min(2, clients))", "-c\(clients)", "-d\(seconds)s", "-s", script.path,
            "http://127.0.0.1:\(port)/v1/tasks",
        ]
        let output = Pipe()
        process.standardOutput = output
        let cpuBefore = CPUAccount(processes: processes)
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let cpu = CPUAccount(processes: processes).since(cpuBefore)
        guard process.terminationStatus == 0, !text.contains("Non-2xx"), !text.contains("Socket errors"),
            let count = lines.first(where: { $0.contains("requests in") }).flatMap({
                Int($0.split(separator: " ").first ?? "")
            })
        else {
            throw BenchError("wrk failed or saw errors:\n\(text)")
        }
        return Run(tasks: count, cpu: cpu)
    }

    /// Waits until `queue` holds at least `expected` tasks and all of them are SUCCESS (for loads
    /// whose ids the benchmark does not see).
    func waitForQueueToFinish(_ queue: String, expected: Int, timeout: Duration = .seconds(600)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let row = try await pool.query(
                "SELECT count(*) FILTER (WHERE state = \("SUCCESS")) AS done, count(*) AS total FROM warren.tasks WHERE queue = \(queue)"
            ).first!
            let done: Int = try row.decode("done")
            let total: Int = try row.decode("total")
            if done == total, total >= expected { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("the tasks in \(queue) did not finish in time")
    }

    /// Sequential submit → SUCCESS seen through `GET /v1/tasks/{id}?wait=10`, in milliseconds,
    /// by task: the request answers as soon as the worker has recorded the result.
    func latency(samples: Int, queue: String, port: Int) async throws -> [UUID: Double] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        let body = #"{"task":"noop","args":{},"queue":"\#(queue)"}"#
        var latencies: [UUID: Double] = [:]
        for _ in 0..<samples {
            let start = ContinuousClock.now
            let id = try await postTask(http, port: port, body: body)
            var request = HTTPClientRequest(
                url: "http://127.0.0.1:\(port)/v1/tasks/\(id.uuidString.lowercased())?wait=10")
            request.method = .GET
            request.headers.add(name: "authorization", value: "Bearer \(Self.apiKey)")
            let response = try await http.execute(request, timeout: .seconds(15))
            let document = try JSONValue(
                parsing: Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
            guard document["state"] == "SUCCESS" else { throw BenchError("a noop task did not succeed: \(document)") }
            latencies[id] = (ContinuousClock.now - start).seconds * 1000
        }
        return latencies
    }

    /// Where each round trip's time went, in milliseconds, from the task rows' timestamps (one
    /// clock, the machine's): from the API taking the request (`created_at`) to the worker's START
    /// statement (`started_at`), from there to the outcome statement (`finished_at`), and the rest
    /// of the round trip (the client's HTTP, the outcome's commit, the notification, the last read).
    func latencyParts(_ latencies: [UUID: Double]) async throws -> (
        toStart: [Double], toOutcome: [Double], rest: [Double]
    ) {
        let rows = try await pool.query(
            """
            SELECT id, extract(epoch FROM started_at - created_at)::float8 * 1000 AS to_start,
                   extract(epoch FROM finished_at - started_at)::float8 * 1000 AS to_outcome
            FROM warren.tasks WHERE id = ANY(\(Array(latencies.keys))::uuid[])
            """)
        var parts: (toStart: [Double], toOutcome: [Double], rest: [Double]) = ([], [], [])
        for row in rows {
            guard let total = latencies[try row.decode("id", as: UUID.self)] else { continue }
            let toStart = try row.decode("to_start", as: Double.self)
            let toOutcome = try row.decode("to_outcome", as: Double.self)
            parts.toStart.append(toStart)
            parts.toOutcome.append(toOutcome)
            parts.rest.append(total - toStart - toOutcome)
        }
        return (parts.toStart.sorted(), parts.toOutcome.sorted(), parts.rest.sorted())
    }

    /// Waits until every task is SUCCESS. Tasks finish roughly in order, so it first watches only
    /// the last one (one cheap lookup per poll), then sweeps the rest; polling must not load the
    /// database it measures.
    func waitForSuccess(_ ids: [UUID], timeout: Duration = .seconds(600)) async throws {
        let deadline = ContinuousClock.now + timeout
        var remaining = ids
        var watch = ids.suffix(1)
        while !remaining.isEmpty {
            if ContinuousClock.now > deadline { throw BenchError("\(remaining.count) tasks did not finish in time") }
            if try await !unfinished(Array(watch)).isEmpty {
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            remaining = try await unfinished(remaining)
            watch = remaining.suffix(1)
        }
    }

    private func unfinished(_ ids: [UUID]) async throws -> [UUID] {
        var unfinished: [UUID] = []
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let rows = try await pool.query(
                "SELECT id FROM warren.tasks WHERE id = ANY(\(Array(ids[start..<min(start + 5000, ids.count)]))::uuid[]) AND state <> \("SUCCESS")"
            )
            unfinished += try rows.map { try $0.decode("id", as: UUID.self) }
        }
        return unfinished
    }
}

/// Submits `count` tasks in batches of `batchSize` from `lanes` concurrent loops, each submitting
/// one batch after another; returns every id.
private func submitInLanes(
    count: Int, lanes: Int, batchSize: Int, _ submit: @escaping @Sendable (Int) async throws -> [UUID]
) async throws -> [UUID] {
    let batches = stride(from: 0, to: count, by: max(1, batchSize)).map { min(batchSize, count - $0) }
    return try await withThrowingTaskGroup(of: [UUID].self) { group in
        for lane in 0..<lanes {
            group.addTask {
                var ids: [UUID] = []
                for index in stride(from: lane, to: batches.count, by: lanes) {
                    ids += try await submit(batches[index])
                }
                return ids
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
}

/// One submission before the measured seconds, refused (a priority out of range) so that it adds
/// no task: an API's first request reads its keys and the task catalog and opens a database
/// connection, which is no part of its steady rate, and on a loaded machine took the whole second
/// of the smoke test's REST run.
private func warmUp(port: Int, queue: String) async throws {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    defer { _ = http.shutdown() }
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/tasks")
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    request.headers.add(name: "authorization", value: "Bearer \(EndToEnd.apiKey)")
    request.body = .bytes(ByteBuffer(string: #"{"task":"noop","args":{},"queue":"\#(queue)","priority":99}"#))
    let response = try await http.execute(request, timeout: .seconds(30))
    _ = try await response.body.collect(upTo: 1 << 20)
    guard response.status.code == 422 else {
        throw BenchError("the warm-up POST /v1/tasks answered \(response.status.code), not 422")
    }
}

private func postTask(_ http: HTTPClient, port: Int, body: String) async throws -> UUID {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/tasks")
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    request.headers.add(name: "authorization", value: "Bearer \(EndToEnd.apiKey)")
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await http.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    guard response.status.code == 202,
        let id = try JSONValue(parsing: Array(bytes.readableBytesView))["id"]?.stringValue,
        let uuid = UUID(uuidString: id)
    else {
        throw BenchError("POST /v1/tasks answered \(response.status.code): \(String(buffer: bytes).prefix(200))")
    }
    return uuid
}
