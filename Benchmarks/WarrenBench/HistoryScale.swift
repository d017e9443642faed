import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Warren
import WarrenPostgres
import WarrenTesting

/// `scripts/bench --history N` with N of a million or more: a realistic history (several task types
/// and queues, 94% successes, 3% failures each with a waiting dead letter, 1% revoked, 2% retried
/// once, three events a task, over 30 days), and the time of every history read at a million
/// tasks and at N: the REST listings, `GET /v1/queues` and each query of docs/sql.md, each with
/// the nodes of its plan. Then end-to-end throughput while retention deletes a tenth of it.
struct HistoryScale {
    let configuration: Configuration
    let logger: Logger
    let pool: PostgresPool

    /// Tasks loaded by one statement.
    static let layer = 1_000_000
    static let taskTypes = [
        ("emails.send", "emails"), ("reports.generate", "reports"), ("images.resize", "default"),
        ("billing.charge", "billing"), ("search.index", "default"), ("webhooks.deliver", "default"),
    ]

    struct Figure {
        var name: String
        var p50: Double
        var p99: Double
        var samples: Int
        /// Each statement's plan nodes, outermost first.
        var plans: [[String]]
    }

    /// Empties the history and loads `rows` tasks over the last 30 days, oldest first, as a
    /// history grows (so the table lies in time order), then vacuums and analyzes, as autovacuum
    /// would have.
    func load(rows: Int, progress: (String) -> Void) async throws {
        _ = try await pool.query(
            "TRUNCATE warren.tasks, warren.task_events, warren.dead_letters, warren.outbox, warren.result_expiries")
        var loaded = 0
        while loaded < rows {
            let count = min(Self.layer, rows - loaded)
            progress("loading tasks \(loaded + 1)–\(loaded + count) of \(rows)")
            try await loadLayer(from: loaded + 1, count: count, of: rows)
            loaded += count
        }
        progress("VACUUM ANALYZE")
        for table in ["tasks", "task_events", "dead_letters"] {
            _ = try await pool.query(PostgresQuery(unsafeSQL: "VACUUM ANALYZE warren.\(table)"))
        }
    }

    private func loadLayer(from first: Int, count: Int, of total: Int) async throws {
        let names = Self.taskTypes.map(\.0)
        let queues = Self.taskTypes.map(\.1)
        _ = try await pool.query(
            """
            WITH gen AS MATERIALIZED (
                SELECT i, md5('task' || i)::uuid AS id, (\(names)::text[])[1 + i % 6] AS task,
                       (\(queues)::text[])[1 + i % 6] AS queue,
                       now() - interval '30 days' * (1 - i::float8 / \(total)) AS created_at,
                       CASE WHEN h < 0.94 THEN 'SUCCESS' WHEN h < 0.97 THEN 'FAILURE' WHEN h < 0.98 THEN 'REVOKED'
                            ELSE 'SUCCESS' END AS state,
                       CASE WHEN h >= 0.98 THEN 2 WHEN h >= 0.94 AND h < 0.97 THEN 4 WHEN h >= 0.97 THEN 0 ELSE 1 END
                           AS attempts,
                       (5 + 1000 * (1 + i % 6) * h2 * h2)::int AS run_ms
                FROM (SELECT i, (hashint4(i) & 2147483647)::float8 / 2147483647 AS h,
                             (hashint4(i + 77777777) & 2147483647)::float8 / 2147483647 AS h2
                      FROM generate_series(\(first)::int, \(first + count - 1)::int) AS i) AS s
            ), tasks AS (
                INSERT INTO warren.tasks (id, task, queue, state, args, result, error, attempts, worker, created_at,
                                          queued_at, started_at, finished_at)
                SELECT id, task, queue, state, jsonb_build_object('n', i),
                       CASE WHEN state = 'SUCCESS' THEN jsonb_build_object('ok', true) END,
                       CASE WHEN state = 'FAILURE' THEN
                           '{"type": "TimeoutError", "message": "upstream timed out", "reason": "retries_exhausted"}'::jsonb
                       END,
                       attempts, 'bench-host:' || (i % 8), created_at, created_at + interval '2 ms',
                       CASE WHEN state <> 'REVOKED' THEN created_at + interval '20 ms' * attempts END,
                       created_at + interval '20 ms' * greatest(attempts, 1) + run_ms * interval '1 ms'
                FROM gen ORDER BY i
            ), letters AS (
                INSERT INTO warren.dead_letters (queue, task_id, reason, error, body, at, key)
                SELECT queue, id, 'retries_exhausted', '{"type": "TimeoutError", "message": "upstream timed out"}',
                       '\\x7b7d', created_at + interval '80 ms' + run_ms * interval '1 ms', md5('letter' || i)::uuid
                FROM gen WHERE state = 'FAILURE' ORDER BY i
            )
            INSERT INTO warren.task_events (task_id, at, state, attempt, worker)
            SELECT id, at, event_state, attempt, 'bench-host:' || (i % 8)
            FROM gen, LATERAL (VALUES
                (created_at + interval '2 ms', 'QUEUED', 0),
                (created_at + interval '20 ms', CASE WHEN state = 'REVOKED' THEN 'REVOKED' ELSE 'STARTED' END, 1),
                (created_at + interval '20 ms' + run_ms * interval '1 ms',
                 CASE WHEN state = 'REVOKED' THEN NULL WHEN attempts = 1 THEN state ELSE 'RETRY' END, 1)
            ) AS e(at, event_state, attempt)
            WHERE event_state IS NOT NULL
            ORDER BY i
            """)
    }

    /// The REST reads, each timed `samples` times over HTTP against the API on `port`, with the
    /// plans of the statements the same read makes in this process.
    func measureAPI(port: Int, samples: Int, client: WarrenClient) async throws -> [Figure] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        func get(_ path: String) async throws -> JSONValue {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.headers.add(name: "authorization", value: "Bearer \(EndToEnd.apiKey)")
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 16 << 20)
            guard response.status.code == 200 else {
                throw BenchError("GET \(path) answered \(response.status.code): \(String(buffer: body).prefix(200))")
            }
            return try JSONValue(parsing: Array(body.readableBytesView))
        }
        // The cursor of the 100th page, as a user paging through would have it.
        var cursor = ""
        for _ in 1..<100 {
            let page = try await get("/v1/tasks?limit=50" + (cursor.isEmpty ? "" : "&cursor=\(cursor)"))
            guard let next = page["next_cursor"]?.stringValue else { throw BenchError("the history has < 100 pages") }
            cursor = next
        }
        typealias Parameters = [(name: String, value: String)]
        let taskListings: [(String, Parameters)] = [
            ("GET /v1/tasks, first page", []),
            ("GET /v1/tasks, 100th page", [("cursor", cursor)]),
            ("GET /v1/tasks?task=", [("task", "emails.send")]),
            ("GET /v1/tasks?queue=", [("queue", "billing")]),
            ("GET /v1/tasks?until=15d", [("until", "15d")]),
            ("GET /v1/tasks?since=1h&until=30m", [("since", "1h"), ("until", "30m")]),
            ("GET /v1/tasks?state=FAILURE (no index)", [("state", "FAILURE")]),
            ("GET /v1/tasks?task=&state=FAILURE", [("task", "billing.charge"), ("state", "FAILURE")]),
        ]
        let deadLetterListings: [(String, Parameters)] = [
            ("GET /v1/dead-letters", []),
            ("GET /v1/dead-letters?queue=", [("queue", "emails")]),
            ("GET /v1/dead-letters?reason=&since=1d", [("reason", "retries_exhausted"), ("since", "1d")]),
        ]
        func path(_ base: String, _ parameters: Parameters) -> String {
            let query = parameters.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
            return base + (query.isEmpty ? "" : "?\(query)")
        }
        var figures: [Figure] = []
        for (name, parameters) in taskListings {
            let plans = try await Self.recordingPlans {
                _ = try await client.tasks(matching: TaskQuery(parameters: parameters, now: Date()))
            }
            figures.append(
                try await time(name, samples: samples, plans: plans) {
                    _ = try await get(path("/v1/tasks", parameters))
                })
        }
        for (name, parameters) in deadLetterListings {
            let plans = try await Self.recordingPlans {
                _ = try await client.deadLetters(matching: DeadLetterQuery(parameters: parameters, now: Date()))
            }
            figures.append(
                try await time(name, samples: samples, plans: plans) {
                    _ = try await get(path("/v1/dead-letters", parameters))
                })
        }
        let plans = try await Self.recordingPlans { _ = try await client.queues() }
        figures.append(
            try await time("GET /v1/queues", samples: samples, plans: plans) { _ = try await get("/v1/queues") })
        return figures
    }

    /// Each query of docs/sql.md, run as written `samples` times on one connection with JIT off
    /// (as the guide advises).
    func measureGuide(samples: Int) async throws -> [Figure] {
        try await pool.withConnection { connection in
            _ = try await connection.query("SET jit = off")
            var figures: [Figure] = []
            for example in try SQLExample.all() {
                let query = PostgresQuery(unsafeSQL: example.sql)
                let plans = try await Self.recordingPlans { _ = try await connection.query(query) }
                figures.append(
                    try await time("docs/sql.md \(example.title)", samples: samples, plans: plans) {
                        _ = try await connection.query(query)
                    })
            }
            return figures
        }
    }

    private func time(
        _ name: String, samples: Int, plans: [[String]], _ body: () async throws -> Void
    ) async throws -> Figure {
        try await body()  // warm the cache and the prepared statement
        var milliseconds: [Double] = []
        for _ in 0..<samples {
            let start = ContinuousClock.now
            try await body()
            milliseconds.append((ContinuousClock.now - start).seconds * 1000)
        }
        milliseconds.sort()
        return Figure(
            name: name, p50: percentile(milliseconds, 0.5), p99: percentile(milliseconds, 0.99), samples: samples,
            plans: plans)
    }

    private static func recordingPlans(_ body: () async throws -> Void) async throws -> [[String]] {
        let recorder = PostgresPlans.Recorder()
        try await PostgresPlans.$recorder.withValue(recorder) { try await body() }
        return recorder.plans
    }

    /// The figures as a table: p50 and p99 at each size, side by side, then each plan.
    static func table(_ sizes: [(rows: Int, figures: [Figure])]) -> String {
        guard let names = sizes.first?.figures.map(\.name) else { return "" }
        let width = names.map(\.count).max()! + 2
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        func ms(_ value: Double) -> String {
            let text = String(format: value >= 100 ? "%.0f" : "%.2f", value)
            return String(repeating: " ", count: max(0, 9 - text.count)) + text
        }
        var header = pad("read", width)
        for size in sizes {
            header += "  " + pad("p50 @\(size.rows / 1_000_000)M", 9) + pad("p99 @\(size.rows / 1_000_000)M", 9)
        }
        var lines = ["History at scale (milliseconds)", "", header, String(repeating: "-", count: header.count)]
        for (index, name) in names.enumerated() {
            var line = pad(name, width)
            for size in sizes { line += "  " + ms(size.figures[index].p50) + " " + ms(size.figures[index].p99) }
            lines.append(line)
        }
        lines += ["", "Plans at \(sizes.last!.rows) tasks (each statement's nodes, outermost first)", ""]
        for figure in sizes.last!.figures {
            lines.append(figure.name)
            for plan in figure.plans { lines.append("    " + plan.joined(separator: " → ")) }
        }
        return lines.joined(separator: "\n")
    }
}
