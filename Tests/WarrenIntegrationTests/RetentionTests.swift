import Foundation
import Testing
import Warren
import WarrenCore
import WarrenPostgres
import WarrenTesting

/// Retention (`HistoryRetention`, `warren history purge`), result TTLs and the result size limit,
/// on the real database, broker and workers.
///
/// Every test database holds the rows of tests running at the same time, and a beat that a test
/// starts there applies the default policy. So these tests seed rows far older than any other
/// test's, and only apply policies that agree with the default on every row they seed.
@Suite(.timeLimit(.minutes(2))) struct RetentionTests {
    /// A task of `queue` that finished `daysAgo` days ago in `state` (or never finished, for a
    /// waiting or running state), with two events; returns its id.
    func seedTask(
        _ state: TaskState, finishedDaysAgo daysAgo: Double, queue: String, _ pool: some SQLRunner
    ) async throws -> UUID {
        let id = UUID()
        let finished: [TaskState] = [.success, .failure, .revoked]
        _ = try await pool.query(
            """
            WITH task AS (
                INSERT INTO warren.tasks (id, task, queue, state, attempts, created_at, queued_at, started_at, finished_at)
                SELECT \(id), 'test.echo', \(queue), \(state.rawValue), 1, at - interval '1 minute',
                       at - interval '1 minute', at - interval '1 second',
                       CASE WHEN \(finished.contains(state)) THEN at END
                FROM (SELECT now() - \(daysAgo) * interval '1 day' AS at) t
                RETURNING id, created_at, finished_at
            )
            INSERT INTO warren.task_events (task_id, at, state)
            SELECT id, created_at, 'QUEUED' FROM task UNION ALL SELECT id, coalesce(finished_at, created_at), \(state.rawValue) FROM task
            """)
        return id
    }

    /// A dead letter of `task` (none: a message without a readable id) in `queue`, `daysAgo` days
    /// old, waiting or resolved; returns its id.
    func seedDeadLetter(
        of task: UUID?, queue: String, daysAgo: Double, resolution: String?, _ pool: some SQLRunner
    ) async throws -> Int {
        try await pool.query(
            """
            INSERT INTO warren.dead_letters (queue, task_id, reason, body, key, at, resolution, resolved_at)
            VALUES (\(queue), \(task), 'retries_exhausted', '\\x7b7d', gen_random_uuid(),
                    now() - \(daysAgo) * interval '1 day', \(resolution),
                    CASE WHEN \(resolution)::text IS NULL THEN NULL ELSE now() - \(daysAgo) * interval '1 day' END)
            RETURNING id
            """
        ).first!.decode("id")
    }

    /// A task as ``seedTask(_:finishedDaysAgo:queue:_:)`` seeds it, with a dead letter, in one
    /// transaction: a beat that another test started may apply retention between two
    /// statements, and delete the task before its dead letter exists.
    func seedTask(
        _ state: TaskState, finishedDaysAgo daysAgo: Double, queue: String, deadLetterDaysAgo letterDaysAgo: Double,
        resolution: String?, _ pool: PostgresPool
    ) async throws -> (task: UUID, letter: Int) {
        try await pool.transaction { connection in
            let task = try await seedTask(state, finishedDaysAgo: daysAgo, queue: queue, connection)
            let letter = try await seedDeadLetter(
                of: task, queue: queue, daysAgo: letterDaysAgo, resolution: resolution, connection)
            return (task, letter)
        }
    }

    func remainingTasks(_ queue: String, _ pool: PostgresPool) async throws -> Set<UUID> {
        Set(
            try await pool.query("SELECT id FROM warren.tasks WHERE queue = \(queue)").map {
                try $0.decode("id", as: UUID.self)
            })
    }

    @Test func deletesOnlyWhatThePolicyNoLongerKeepsWhileSubmissionsGoOn() async throws {
        let configuration = try await Servers.configuration()
        let old = TestEnvironment.uniqueQueue("retention")
        let live = TestEnvironment.uniqueQueue("retention-live")
        try await withServers { servers in
            let pool = await servers.pool(uri: configuration.databaseURL)
            // The default policy: successes 7 days, failures 90, revoked tasks 30.
            let oldSuccess = try await seedTask(
                .success, finishedDaysAgo: 10, queue: old, deadLetterDaysAgo: 11, resolution: "replayed", pool
            ).task
            let recentSuccess = try await seedTask(.success, finishedDaysAgo: 3, queue: old, pool)
            let oldFailure = try await seedTask(
                .failure, finishedDaysAgo: 100, queue: old, deadLetterDaysAgo: 100, resolution: "purged", pool
            ).task
            let (waitingFailure, waitingLetter) = try await seedTask(
                .failure, finishedDaysAgo: 100, queue: old, deadLetterDaysAgo: 100, resolution: nil, pool)
            let recentFailure = try await seedTask(.failure, finishedDaysAgo: 10, queue: old, pool)
            let oldRevoked = try await seedTask(.revoked, finishedDaysAgo: 40, queue: old, pool)
            let running = try await seedTask(.started, finishedDaysAgo: 100, queue: old, pool)
            let retrying = try await seedTask(.retry, finishedDaysAgo: 100, queue: old, pool)
            let resolvedTaskless = try await seedDeadLetter(
                of: nil, queue: old, daysAgo: 100, resolution: "purged", pool)
            let waitingTaskless = try await seedDeadLetter(of: nil, queue: old, daysAgo: 100, resolution: nil, pool)

            let client = try await servers.client(configuration)
            try await client.declare(queue: live)
            try await withWorker(queues: [live], configuration: configuration) {
                // Submissions go on, and finish, while retention runs.
                let submitting = Task {
                    var ids: [UUID] = []
                    for n in 0..<60 {
                        ids.append(
                            try await client.submit(
                                Submission(task: "test.echo", args: ["value": JSONValue(n)], queue: live)
                            ).id)
                    }
                    return ids
                }
                let retention = HistoryRetention(
                    databaseURL: configuration.databaseURL, policy: .default, batchSize: 2, logger: Servers.logger)
                // Another process may have deleted some of them first: what is left is what counts.
                _ = try await retention.purge()
                for id in try await submitting.value {
                    #expect(try await client.waitForCompletion(of: id, timeout: .seconds(15)).state == .success)
                }
            }
            #expect(
                try await remainingTasks(old, pool) == [
                    recentSuccess, waitingFailure, recentFailure, running, retrying,
                ])
            #expect(try await remainingTasks(live, pool).count == 60)
            let events = try await pool.query(
                "SELECT DISTINCT task_id FROM warren.task_events WHERE task_id = ANY(\([oldSuccess, oldFailure, oldRevoked])::uuid[])"
            )
            #expect(events.isEmpty)
            let letters = Set(
                try await pool.query("SELECT id FROM warren.dead_letters WHERE queue = \(old)").map {
                    try $0.decode("id", as: Int.self)
                })
            #expect(letters == [waitingLetter, waitingTaskless])
            #expect(!letters.contains(resolvedTaskless))
        }
    }

    @Test func historyPurgeDeletesTheStatesAskedForOlderThanAskedAndSaysHowMany() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("purge")
        try await withServers { servers in
            let pool = await servers.pool(uri: configuration.databaseURL)
            // All three are kept by the default policy, which other processes may be applying.
            let oldSuccess = try await seedTask(.success, finishedDaysAgo: 5, queue: queue, pool)
            let oldFailure = try await seedTask(.failure, finishedDaysAgo: 5, queue: queue, pool)
            let recentSuccess = try await seedTask(.success, finishedDaysAgo: 3, queue: queue, pool)
            let cli = try await runProgram(
                builtExecutable("warren"), ["history", "purge", "--older-than", "4d", "--state", "success", "--json"])
            #expect(cli.status == 0, "\(cli.output)")
            let totals = try JSONValue(parsing: Array(cli.output.utf8))
            func count(_ name: String) -> Int {
                guard case .number(let number)? = totals[name] else { return -1 }
                return number.integer(in: 0...Int.max) ?? -1
            }
            #expect(count("tasks") >= 1 && count("events") >= 2)
            #expect(count("dead_letters") >= 0 && count("results_expired") >= 0)
            #expect(try await remainingTasks(queue, pool) == [oldFailure, recentSuccess])
            #expect(!(try await remainingTasks(queue, pool).contains(oldSuccess)))

            let refused = try await runProgram(
                builtExecutable("warren"), ["history", "purge", "--older-than", "30d", "--state", "STARTED"])
            #expect(refused.status != 0)
        }
    }

    /// Echoes its value, and its results are kept for no time at all.
    struct Fleeting: TaskDefinition {
        struct Arguments: Codable, Sendable { var value: Int }
        typealias Result = Int
        static let name = "test.fleeting"
        static let options = TaskOptions(resultTTL: .zero)
        func run(_ arguments: Arguments, context: TaskContext) async throws -> Int { arguments.value }
    }

    @Test func resultsExpireAfterTheirSubmissionsOrTheirTypesTTL() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("ttl")
        var registry = TestTasks.registry(databaseURL: configuration.databaseURL)
        registry.register(Fleeting())
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            try await withWorker(queues: [queue], registry: registry, configuration: configuration) {
                let brief = try await client.submit(
                    Submission(task: "test.echo", args: ["value": 1], queue: queue, resultTTL: 0))
                let kept = try await client.submit(
                    Submission(task: "test.echo", args: ["value": 2], queue: queue, resultTTL: 3600))
                let typed = try await client.enqueue(Fleeting.self, .init(value: 3), queue: queue)
                let overridden = try await client.enqueue(
                    Fleeting.self, .init(value: 4), queue: queue, resultTTL: .seconds(3600))
                for id in [brief.id, kept.id, typed.id, overridden.id] {
                    #expect(try await client.waitForCompletion(of: id, timeout: .seconds(15)).state == .success)
                }
                let retention = HistoryRetention(
                    databaseURL: configuration.databaseURL, policy: .default, logger: Servers.logger)
                // Another test's pass may clear them first; after this one, they are cleared.
                _ = try await retention.purge()
                for (id, result) in [(brief.id, nil), (kept.id, 2), (typed.id, nil), (overridden.id, 4)]
                    as [(UUID, JSONValue?)]
                {
                    let record = try #require(try await client.status(of: id))
                    #expect(record.state == .success)
                    #expect(record.result == result)
                    #expect((record.resultExpiredAt != nil) == (result == nil))
                    #expect((record.document["result_expired_at"] != nil) == (result == nil))
                }
                let status = try await runProgram(builtExecutable("warren"), ["status", brief.id.uuidString])
                #expect(status.output.contains("result: expired at "), "\(status.output)")
            }
        }
    }

    @Test func aResultOverTheLimitFailsItsTaskWithTheReason() async throws {
        var configuration = try await Servers.configuration()
        configuration.maximumResultBytes = 1024
        let queue = TestEnvironment.uniqueQueue("large-result")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            try await withWorker(queues: [queue], configuration: configuration) {
                let large = try await client.submit(
                    Submission(
                        task: "test.echo", args: ["value": .string(String(repeating: "x", count: 2000))], queue: queue
                    ))
                let small = try await client.submit(Submission(task: "test.echo", args: ["value": "x"], queue: queue))
                let failed = try await client.waitForCompletion(of: large.id, timeout: .seconds(15))
                #expect(failed.state == .failure)
                #expect(failed.result == nil)
                #expect(failed.error?["type"] == "ResultTooLarge")
                #expect(failed.error?["reason"] == "not_retryable")
                #expect(failed.error?["message"]?.stringValue?.contains("2002 bytes") == true)
                #expect(try await client.waitForCompletion(of: small.id, timeout: .seconds(15)).result == "x")
            }
        }
    }
}

/// Where seeding statements run: the pool, or a connection inside a transaction.
protocol SQLRunner: Sendable {
    func query(_ query: PostgresQuery) async throws -> PostgresRows
}

extension PostgresPool: SQLRunner {}
extension PostgresConnection: SQLRunner {}
