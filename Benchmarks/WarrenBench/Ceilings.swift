import Foundation
import Warren
import WarrenAMQP
import WarrenPostgres

/// What the broker and the database can do through Warren's own client layers, with the same
/// guarantees as the task path (persistent, confirmed publishes; manual acks; committed rows),
/// and no task logic. Warren's figures are read against these.
enum Ceilings {
    /// Publishes `count` persistent messages with confirms, `windows` batches in flight.
    static func publish(
        endpoint: AMQPEndpoint, queue: String, count: Int, batch: Int = 250, windows: Int = 4
    ) async throws -> Double {
        let connection = try await AMQPConnection.connect(to: endpoint, name: "bench-publish")
        defer { Task { await connection.close() } }
        let message = AMQPOutgoingMessage(
            exchange: "", routingKey: queue, properties: AMQPProperties(contentType: "application/json"),
            body: Array(repeating: UInt8(ascii: "x"), count: 200))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let perWindow = (count + windows - 1) / windows
            for window in 0..<windows {
                let share = min(perWindow, count - window * perWindow)
                group.addTask {
                    var sent = 0
                    while sent < share {
                        let size = min(batch, share - sent)
                        try await connection.publish(Array(repeating: message, count: size))
                        sent += size
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    /// Consumes `count` messages with manual acks (`multiple` every `ackEvery`).
    static func consume(endpoint: AMQPEndpoint, queue: String, count: Int, prefetch: UInt16 = 500) async throws
        -> Double
    {
        let connection = try await AMQPConnection.connect(to: endpoint, name: "bench-consume")
        defer { Task { await connection.close() } }
        let deliveries = try await connection.consume(queues: [queue], prefetch: prefetch)
        let ackEvery = max(1, Int(prefetch) / 4)
        let start = ContinuousClock.now
        var received = 0
        for try await delivery in deliveries {
            received += 1
            if received % ackEvery == 0 || received == count {
                try await connection.ack(delivery.deliveryTag, multiple: true)
            }
            if received == count { break }
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    /// Publishes and consumes at once; returns messages per second through the broker.
    static func publishAndConsume(endpoint: AMQPEndpoint, queue: String, count: Int) async throws -> Double {
        let start = ContinuousClock.now
        async let consumed = consume(endpoint: endpoint, queue: queue, count: count)
        _ = try await publish(endpoint: endpoint, queue: queue, count: count)
        _ = try await consumed
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    /// The median time of one confirmed publish at a time, in milliseconds: the floor under a
    /// submission's latency.
    static func confirmRoundTrip(endpoint: AMQPEndpoint, queue: String, samples: Int = 300) async throws -> Double {
        let connection = try await AMQPConnection.connect(to: endpoint, name: "bench-confirm")
        defer { Task { await connection.close() } }
        let message = AMQPOutgoingMessage(
            exchange: "", routingKey: queue, properties: AMQPProperties(),
            body: Array(repeating: UInt8(ascii: "x"), count: 200))
        var times: [Double] = []
        for _ in 0..<samples {
            let start = ContinuousClock.now
            try await connection.publish(message)
            times.append((ContinuousClock.now - start).seconds * 1000)
        }
        _ = try await connection.purgeQueue(queue)
        return times.sorted()[samples / 2]
    }

    /// The median time of one single-row INSERT and its commit, in milliseconds.
    static func commitRoundTrip(pool: PostgresPool, samples: Int = 300) async throws -> Double {
        _ = try await pool.query("CREATE SCHEMA IF NOT EXISTS warren_bench")
        _ = try await pool.query("CREATE TABLE IF NOT EXISTS warren_bench.commits (id uuid PRIMARY KEY)")
        var times: [Double] = []
        for _ in 0..<samples {
            let start = ContinuousClock.now
            _ = try await pool.query("INSERT INTO warren_bench.commits (id) VALUES (\(UUID()))")
            times.append((ContinuousClock.now - start).seconds * 1000)
        }
        _ = try await pool.query("DROP TABLE warren_bench.commits")
        return times.sorted()[samples / 2]
    }

    /// Inserts `count` rows in statements of `perStatement` rows over `connections` connections,
    /// then updates them by primary key the same way. Returns (inserts/s, updates/s).
    static func databaseRows(
        pool: PostgresPool, count: Int, perStatement: Int = 100, connections: Int = 4
    ) async throws -> (insert: Double, update: Double) {
        _ = try await pool.query("CREATE SCHEMA IF NOT EXISTS warren_bench")
        _ = try await pool.query("DROP TABLE IF EXISTS warren_bench.rows")
        _ = try await pool.query(
            "CREATE TABLE warren_bench.rows (id uuid PRIMARY KEY, state text NOT NULL, payload jsonb, at timestamptz)")
        let ids = (0..<count).map { _ in UUID() }
        let chunks = stride(from: 0, to: count, by: perStatement).map { Array(ids[$0..<min($0 + perStatement, count)]) }
        func run(_ statement: String, _ parameters: @escaping @Sendable ([UUID]) -> [any PostgresEncodable])
            async throws
            -> Double
        {
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<connections {
                    group.addTask {
                        for index in stride(from: lane, to: chunks.count, by: connections) {
                            _ = try await pool.query(
                                PostgresQuery(unsafeSQL: statement, parameters: parameters(chunks[index])))
                        }
                    }
                }
                try await group.waitForAll()
            }
            return Double(count) / (ContinuousClock.now - start).seconds
        }
        let insert = try await run(
            "INSERT INTO warren_bench.rows (id, state, payload) SELECT id, $2, '{}' FROM unnest($1::uuid[]) AS i(id)"
        ) { [$0, "QUEUED"] }
        let update = try await run(
            "UPDATE warren_bench.rows SET state = $2, payload = '{\"ok\":true}', at = now() WHERE id = ANY($1::uuid[])"
        ) { [$0, "SUCCESS"] }
        _ = try await pool.query("DROP TABLE warren_bench.rows")
        return (insert, update)
    }
}
