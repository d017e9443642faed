import Foundation
import Testing
import WarrenCore
import WarrenPostgres
import WarrenTesting

/// The SQL interface: the views of migration 0016 and every query of `docs/sql.md`, on the real
/// database.
@Suite(.timeLimit(.minutes(2))) struct SQLTests {
    /// Seven tasks of a type and queue no other test uses, submitted 3 hours ago at a minute past
    /// the hour: four successes (runs of 100–400 ms, one retried once), a failure on its third
    /// attempt (a 1 s run) with its dead letter, a revoked task and one still running. The first
    /// attempts waited 10, 20, 40 and 50 ms.
    func seed(task: String, queue: String, _ pool: PostgresPool) async throws {
        _ = try await pool.query(
            """
            WITH seeded (n, state, attempts, wait_ms, run_ms) AS (VALUES
                (1, 'SUCCESS', 1, 10, 100), (2, 'SUCCESS', 1, 20, 200), (3, 'SUCCESS', 2, 30, 300),
                (4, 'SUCCESS', 1, 40, 400), (5, 'FAILURE', 3, 60, 1000), (6, 'REVOKED', 0, NULL, NULL),
                (7, 'STARTED', 1, 50, NULL)),
            timed AS (
                SELECT seeded.*, gen_random_uuid() AS id,
                       date_trunc('hour', now()) - interval '3 hours' + interval '1 minute' AS created_at
                FROM seeded),
            tasks AS (
                INSERT INTO warren.tasks (id, task, queue, state, attempts, created_at, queued_at, started_at, finished_at)
                SELECT id, \(task), \(queue), state, attempts, created_at, created_at,
                       created_at + wait_ms * interval '1 ms',
                       CASE WHEN state IN ('SUCCESS', 'FAILURE', 'REVOKED')
                            THEN created_at + (coalesce(wait_ms, 0) + coalesce(run_ms, 0)) * interval '1 ms' END
                FROM timed
                RETURNING id, state)
            INSERT INTO warren.dead_letters (queue, task_id, reason, error, body, key)
            SELECT \(queue), id, 'retries_exhausted', '{"type": "Timeout", "message": "upstream timed out"}', '\\x7b7d',
                   gen_random_uuid()
            FROM tasks WHERE state = 'FAILURE'
            """)
    }

    @Test func theViewsCountWhatHappened() async throws {
        let configuration = try await Servers.configuration()
        let task = "sql.\(UUID().uuidString.prefix(8).lowercased())"
        let queue = TestEnvironment.uniqueQueue("sql")
        try await withServers { servers in
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await seed(task: task, queue: queue, pool)

            let stats = try #require(
                try await pool.query(
                    """
                    SELECT submitted, started, succeeded, failed, revoked, retries, run_ms_p50::float8 AS p50,
                           run_ms_p99::float8 AS p99, failure_rate::float8 AS failure_rate
                    FROM warren.task_stats WHERE hour > now() - interval '1 day' AND task = \(task)
                    """
                ).first)
            #expect(try stats.decode("submitted", as: Int.self) == 7)
            #expect(try stats.decode("started", as: Int.self) == 1)
            #expect(try stats.decode("succeeded", as: Int.self) == 4)
            #expect(try stats.decode("failed", as: Int.self) == 1)
            #expect(try stats.decode("revoked", as: Int.self) == 1)
            #expect(try stats.decode("retries", as: Int.self) == 3)
            #expect(try stats.decode("p50", as: Double.self) == 300)
            #expect(try stats.decode("p99", as: Double.self) == 976)
            #expect(try stats.decode("failure_rate", as: Double.self) == 0.2)

            let latency = try #require(
                try await pool.query(
                    """
                    SELECT started, wait_ms_p50::float8 AS p50, wait_ms_max::float8 AS longest
                    FROM warren.queue_latency WHERE hour > now() - interval '1 day' AND queue = \(queue)
                    """
                ).first)
            #expect(try latency.decode("started", as: Int.self) == 4)
            #expect(try latency.decode("p50", as: Double.self) == 30)
            #expect(try latency.decode("longest", as: Double.self) == 50)

            let letters = try await pool.query(
                "SELECT task, attempts, task_state, error_type FROM warren.dead_letter_tasks WHERE queue = \(queue)")
            #expect(letters.count == 1)
            #expect(try letters.first?.decode("task", as: String.self) == task)
            #expect(try letters.first?.decode("attempts", as: Int.self) == 3)
            #expect(try letters.first?.decode("task_state", as: String.self) == "FAILURE")
            #expect(try letters.first?.decode("error_type", as: String.self) == "Timeout")
        }
    }

    @Test func everyQueryOfTheGuideRunsAsWritten() async throws {
        let examples = try SQLExample.all()
        #expect(examples.count >= 10)
        let configuration = try await Servers.configuration()
        try await withServers { servers in
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await seed(task: "sql.guide", queue: TestEnvironment.uniqueQueue("sql"), pool)
            for example in examples {
                do {
                    _ = try await pool.query(PostgresQuery(unsafeSQL: example.sql))
                } catch {
                    Issue.record("\(example.title): \(error)")
                }
            }
        }
    }
}
