import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The fault scenarios and what they share: the servers, the worker processes and the ledger
/// queries. One scenario a file, `Faults+<Scenario>.swift`, each returning its ledger row.
struct Faults {
    let configuration: Configuration
    let pool: PostgresPool
    let logger: Logger
    let environment = ProcessInfo.processInfo.environment

    func queue(_ name: String) -> String { "faults-\(name)-\(UUID().uuidString.prefix(6).lowercased())" }

    /// A query for the ledger, retried while the database restarts under a scenario.
    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        var failures = 0
        while true {
            do {
                return try await pool.query(query)
            } catch is PostgresError where failures < 40 {
                failures += 1
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    func startWorkers(
        _ count: Int, queue: String, concurrency: Int = 16, runawayGrace: Int = 30, consumerTimeout: Int = 1_800
    ) async throws -> [SupervisedWorker] {
        let workers = (0..<count).map { _ in
            SupervisedWorker(
                queue: queue, concurrency: concurrency, runawayGrace: runawayGrace, consumerTimeout: consumerTimeout)
        }
        for worker in workers { worker.start() }
        try await TestEnvironment.waitForConsumers(
            count, on: queue, amqpURL: configuration.amqpURL, timeout: .seconds(60))
        return workers
    }

    /// Waits until none of `ids` is waiting or running, or `timeout` passes.
    func waitUntilFinished(_ ids: [UUID], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let rows = try await query(
                "SELECT count(*) AS n FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) AND state = ANY(\([TaskState.success, .failure, .revoked].map(\.rawValue))::text[])"
            )
            if try rows.first!.decode("n", as: Int.self) == ids.count { return }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The ledger of `ids`: what became of every accepted task.
    func ledger(_ row: inout Ledger.Row, _ ids: [UUID]) async throws {
        row.accepted = ids.count
        let states = try await query(
            "SELECT state, count(*) AS n FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) GROUP BY state")
        var counts: [String: Int] = [:]
        for state in states { counts[try state.decode("state")] = try state.decode("n") }
        row.succeeded = counts["SUCCESS"] ?? 0
        row.failed = counts["FAILURE"] ?? 0
        row.lost = ids.count - row.succeeded - row.failed - (counts["REVOKED"] ?? 0)
        row.deadLettered = try await query(
            "SELECT count(DISTINCT task_id) AS n FROM warren.dead_letters WHERE task_id = ANY(\(ids)::uuid[])"
        ).first!.decode("n")
        row.duplicates = try await query(
            """
            SELECT count(*) AS n FROM (
                SELECT task_id FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'SUCCESS'
                GROUP BY task_id HAVING count(*) > 1) AS twice
            """
        ).first!.decode("n")
        let withoutEffect: Int = try await query(
            """
            SELECT count(*) AS n FROM warren.tasks t
            WHERE t.id = ANY(\(ids)::uuid[]) AND t.task = 'test.ledger' AND t.state = 'SUCCESS'
              AND NOT EXISTS (SELECT 1 FROM warren_test.effects e WHERE e.task_id = t.id)
            """
        ).first!.decode("n")
        if row.lost > 0 { row.problems.append("\(row.lost) accepted tasks never finished") }
        if row.duplicates > 0 { row.problems.append("\(row.duplicates) tasks recorded SUCCESS twice") }
        if withoutEffect > 0 { row.problems.append("\(withoutEffect) successful tasks left no side effect") }
        let rerun: Int = try await query(
            "SELECT count(*) AS n FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) AND attempts > 1"
        ).first!.decode("n")
        if rerun > 0 { row.notes.append("\(rerun) tasks needed more than one attempt") }
    }

    /// 1,500 ledger tasks submitted and consumed by two workers, with a relay running, while
    /// `fault` happens to the broker (a second after the submissions begin). Fills `row`'s ledger
    /// and returns what the scenario's notes say.
    func underBrokerFault(
        _ row: inout Ledger.Row, queue: String, pause: Duration, _ fault: () async throws -> Void
    ) async throws -> (refused: Int, longest: Duration, pending: Int) {
        let workers = try await startWorkers(2, queue: queue)
        let relayClient = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        let relay = ServiceGroup(
            configuration: .init(services: [OutboxRelay(client: relayClient, logger: logger)], logger: logger))
        let relaying = Task { try await relay.run() }
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: pause)
        try await Task.sleep(for: .seconds(1))
        try await fault()
        let (ids, refused, longest) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        await relay.triggerGracefulShutdown()
        _ = try? await relaying.value
        await relayClient.shutdown()
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let pending: Int = try await query(
            "SELECT count(DISTINCT task_id) AS n FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'PENDING'"
        ).first!.decode("n")
        return (refused, longest, pending)
    }

    /// Submits `count` ledger tasks in batches while `during` runs; returns the accepted ids, how
    /// many submissions were refused (never accepted, so never owed) and the longest a batch waited.
    func submitLedgerTasks(_ count: Int, queue: String, milliseconds: Int, batch: Int = 50, pause: Duration = .zero)
        async throws -> (accepted: [UUID], refused: Int, longest: Duration)
    {
        let client = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        var accepted: [UUID] = []
        var refused = 0
        var longest = Duration.zero
        for _ in stride(from: 0, to: count, by: batch) {
            let start = ContinuousClock.now
            do {
                accepted += try await client.enqueue(
                    TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: milliseconds), count: batch),
                    queue: queue
                ).map(\.id)
            } catch {
                refused += batch
            }
            longest = max(longest, ContinuousClock.now - start)
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        await client.shutdown()
        return (accepted, refused, longest)
    }
}
