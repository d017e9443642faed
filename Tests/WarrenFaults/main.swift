// Warren's fault scenarios: real worker processes (WarrenTestWorker, restarted by a small
// supervisor as systemd would), the real RabbitMQ and PostgreSQL of scripts/faults, faults injected
// while tasks run, and a ledger check after each scenario: every task the client had accepted
// reached exactly one terminal state, and no task was recorded SUCCESS twice.
//
//   WarrenFaults [scenario …]      scenarios: sigkill poison runaway countdown rabbitmq-restart postgres-restart
//                                  partition
//
// Restart scenarios need the local servers scripts/faults starts (RABBITMQ_NODENAME, WARREN_PG_DATA);
// with servers of your own they are skipped, and so is the partition without root and `ip`.
// WARREN_FAULTS_LOG=<file> appends the workers' logs to a file. Exits 1 if any scenario fails its checks.
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

/// One line of the ledger table.
struct LedgerRow {
    var scenario: String
    var accepted = 0
    var succeeded = 0
    var failed = 0
    var deadLettered = 0
    var lost = 0
    var duplicates = 0
    var seconds = 0.0
    var notes: [String] = []
    var problems: [String] = []
}

/// A worker process that is started again whenever it exits, until stopped.
final class SupervisedWorker: @unchecked Sendable {
    private let arguments: [String]
    private let namespace: String?
    private let environment: [String: String]
    private let lock = NSLock()
    private var process: Process?
    private var stopped = false
    private(set) var starts = 0
    private(set) var exitStatuses: [Int32] = []

    /// Every worker made so far, so that none outlives a scenario that failed half-way.
    private static let made = Mutex<[SupervisedWorker]>([])

    /// Stops every worker made so far (stopping one twice is harmless).
    static func stopAll() {
        for worker in made.withLock({ $0 }) { worker.stop() }
    }

    /// A worker named `name` (with its pid), in network namespace `namespace` when one is given,
    /// with `environment` over this process's.
    init(
        queue: String, concurrency: Int, runawayGrace: Int = 30, name: String = "faults", namespace: String? = nil,
        environment: [String: String] = [:]
    ) {
        arguments = [queue, "\(concurrency)", "\(runawayGrace)", name]
        self.namespace = namespace
        self.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        Self.made.withLock { $0.append(self) }
    }

    func start() {
        let process = Process()
        if let namespace {
            // `ip netns exec` enters the namespace and execs the worker, which keeps its pid.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ip", "netns", "exec", namespace, executable("WarrenTestWorker")] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable("WarrenTestWorker"))
            process.arguments = arguments
        }
        process.environment = environment
        process.standardError = workerLog
        process.terminationHandler = { [weak self] finished in self?.exited(finished) }
        lock.withLock {
            guard !stopped else { return }
            starts += 1
            self.process = process
            try? process.run()
        }
    }

    /// SIGKILL, as a crash or the OOM killer would.
    func kill() {
        if let process = lock.withLock({ process }) { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    func stop() {
        let process = lock.withLock {
            stopped = true
            return self.process
        }
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func exited(_ process: Process) {
        let again = lock.withLock {
            exitStatuses.append(process.terminationStatus)
            return !stopped
        }
        if again { DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { self.start() } }
    }
}

/// Where worker processes write their logs: WARREN_FAULTS_LOG, or nowhere.
let workerLog: FileHandle = {
    guard let path = ProcessInfo.processInfo.environment["WARREN_FAULTS_LOG"],
        FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path)
    else { return FileHandle.nullDevice }
    return file
}()

func executable(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent(name).path
}

/// Runs a command to its end and returns its exit status. Spawned and reaped directly, on a
/// thread of its own: Foundation's `Process` waits for descriptors that a daemon the command
/// leaves behind (`pg_ctl restart` leaves a postmaster) keeps open forever.
@discardableResult
func shell(_ arguments: [String]) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else {
                continuation.resume(returning: 127)
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            continuation.resume(returning: (status >> 8) & 0xFF)
        }.start()
    }
}

/// A separate host on this machine: a network namespace joined to this one by a veth pair, whose
/// link can be cut. The servers listen on loopback only, so proxies on this side of the link
/// (at ``gateway``) carry its connections to them.
struct NamespaceHost {
    let name = "warren-faults"
    /// This side's end of the link and its address, as the namespace sees it.
    let link = "wf-gateway"
    let gateway = "10.231.0.1"

    /// Makes the namespace, replacing one a crashed run left behind; nil when that is not
    /// possible here (not root, or no `ip`).
    static func create() async -> NamespaceHost? {
        let host = NamespaceHost()
        await shell(["ip", "netns", "delete", host.name])
        let steps = [
            ["ip", "netns", "add", host.name],
            ["ip", "link", "add", host.link, "type", "veth", "peer", "name", "wf-host", "netns", host.name],
            ["ip", "address", "add", "\(host.gateway)/30", "dev", host.link],
            ["ip", "link", "set", host.link, "up"],
            ["ip", "-n", host.name, "address", "add", "10.231.0.2/30", "dev", "wf-host"],
            ["ip", "-n", host.name, "link", "set", "wf-host", "up"],
            ["ip", "-n", host.name, "link", "set", "lo", "up"],
        ]
        for step in steps where await shell(step) != 0 {
            await host.remove()
            return nil
        }
        return host
    }

    /// Cuts the link: packets are dropped silently, as when a cable is pulled.
    func cut() async { await shell(["ip", "link", "set", link, "down"]) }

    func restore() async { await shell(["ip", "link", "set", link, "up"]) }

    /// Removes the namespace, and with it both ends of the link.
    func remove() async { await shell(["ip", "netns", "delete", name]) }
}

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

    func startWorkers(_ count: Int, queue: String, concurrency: Int = 16, runawayGrace: Int = 30) async throws
        -> [SupervisedWorker]
    {
        let workers = (0..<count).map { _ in
            SupervisedWorker(queue: queue, concurrency: concurrency, runawayGrace: runawayGrace)
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
    func ledger(_ row: inout LedgerRow, _ ids: [UUID]) async throws {
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

    /// Submits `count` ledger tasks in batches while `during` runs; returns the accepted ids and
    /// how many submissions were refused (never accepted, so never owed).
    func submitLedgerTasks(_ count: Int, queue: String, milliseconds: Int, batch: Int = 50, pause: Duration = .zero)
        async throws -> (accepted: [UUID], refused: Int)
    {
        let client = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        var accepted: [UUID] = []
        var refused = 0
        for _ in stride(from: 0, to: count, by: batch) {
            do {
                accepted += try await client.enqueue(
                    TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: milliseconds), count: batch),
                    queue: queue
                ).map(\.id)
            } catch {
                refused += batch
            }
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        await client.shutdown()
        return (accepted, refused)
    }

    // MARK: Scenarios

    /// SIGKILL a worker again and again while 2,000 tasks run on two of them.
    func sigkill() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "sigkill")
        let queue = queue("sigkill")
        let workers = try await startWorkers(2, queue: queue)
        async let submitted = submitLedgerTasks(2_000, queue: queue, milliseconds: 20)
        for round in 0..<8 {
            try await Task.sleep(for: .milliseconds(700))
            workers[round % 2].kill()
        }
        let ids = try await submitted.accepted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        row.notes.append("8 workers killed with SIGKILL, \(workers.map(\.starts).reduce(0, +) - 2) restarts")
        return row
    }

    /// A task that kills its worker every time: after its allowed attempts it is dead-lettered
    /// as poison, and the tasks around it still run.
    func poison() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "poison")
        let queue = queue("poison")
        let workers = try await startWorkers(1, queue: queue, concurrency: 1)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 1, logger: logger)
        var ids: [UUID] = []
        var poison: [UUID] = []
        for _ in 0..<3 {
            poison.append(try await client.enqueue(TestTasks.Crash.self, .init(), queue: queue).id)
            ids += try await client.enqueue(
                TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: 5), count: 30), queue: queue
            ).map(\.id)
        }
        await client.shutdown()
        try await waitUntilFinished(ids + poison, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids + poison)
        let reasons = try await query(
            "SELECT count(*) AS n FROM warren.tasks WHERE id = ANY(\(poison)::uuid[]) AND state = 'FAILURE' AND error ->> 'reason' = 'poison'"
        )
        let dead: Int = try reasons.first!.decode("n")
        if dead != poison.count { row.problems.append("\(poison.count - dead) crashing tasks did not end as poison") }
        if row.succeeded != ids.count {
            row.problems.append("\(ids.count - row.succeeded) ordinary tasks did not succeed")
        }
        row.notes.append(
            "3 tasks that SIGKILL their worker: \(dead) dead-lettered as poison after \(workers[0].starts - 1) crashes")
        return row
    }

    /// A task that never stops, under a 1 s hard limit: it fails with time_limit, and its worker
    /// exits (status 70) to be restarted, while the other tasks finish.
    func runaway() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "runaway")
        let queue = queue("runaway")
        let workers = try await startWorkers(1, queue: queue, concurrency: 4, runawayGrace: 1)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 1, logger: logger)
        let spinning = try await client.enqueue(TestTasks.Stubborn.self, .init(seconds: 3_600), queue: queue).id
        let ids = try await client.enqueue(
            TestTasks.Ledger.self, batch: Array(repeating: .init(milliseconds: 50), count: 100), queue: queue
        ).map(\.id)
        await client.shutdown()
        try await waitUntilFinished(ids + [spinning], timeout: .seconds(60))
        let deadline = ContinuousClock.now + .seconds(20)
        while !workers[0].exitStatuses.contains(70), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let exits = workers[0].exitStatuses
        for worker in workers { worker.stop() }
        try await ledger(&row, ids + [spinning])
        let reason = try await query(
            "SELECT error ->> 'reason' AS reason FROM warren.tasks WHERE id = \(spinning)"
        ).first?.decodeIfPresent("reason", as: String.self)
        if reason != "time_limit" { row.problems.append("the runaway task ended with reason \(reason ?? "none")") }
        if !exits.contains(70) { row.problems.append("the worker did not exit with status 70") }
        row.notes.append("runaway task failed with time_limit; worker exit statuses \(exits)")
        return row
    }

    /// 500 tasks with countdowns spread over 1–60 s: each must start within 1.5 s of its due time.
    func countdown() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "countdown")
        let queue = queue("countdown")
        let workers = try await startWorkers(2, queue: queue)
        let client = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        var ids: [UUID] = []
        for index in 0..<500 {
            let seconds = 1 + Double(index % 60) + Double(index % 7) / 7
            ids.append(
                try await client.enqueue(
                    TestTasks.Ledger.self, .init(milliseconds: 1), queue: queue,
                    countdown: .milliseconds(Int(seconds * 1000))
                ).id)
        }
        await client.shutdown()
        try await waitUntilFinished(ids, timeout: .seconds(90))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let lateness = try await query(
            """
            SELECT max(extract(epoch FROM e.at - t.eta))::float8 AS late, min(extract(epoch FROM e.at - t.eta))::float8 AS early
            FROM warren.tasks t JOIN warren.task_events e ON e.task_id = t.id AND e.state = 'STARTED'
            WHERE t.id = ANY(\(ids)::uuid[])
            """
        ).first!
        let late = try lateness.decodeIfPresent("late", as: Double.self) ?? .infinity
        let early = try lateness.decodeIfPresent("early", as: Double.self) ?? -.infinity
        if late > 1.5 { row.problems.append(String(format: "a task started %.2f s after its due time", late)) }
        if early < -0.05 { row.problems.append(String(format: "a task started %.2f s before its due time", -early)) }
        row.notes.append(String(format: "start minus due time: from %.3f s to %.3f s", early, late))
        return row
    }

    /// RabbitMQ stopped for 4 s while tasks are submitted and consumed.
    func rabbitmqRestart() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "rabbitmq-restart")
        guard let node = environment["RABBITMQ_NODENAME"] else {
            row.notes.append("skipped: needs the local RabbitMQ of scripts/faults")
            return row
        }
        let queue = queue("rabbit")
        let workers = try await startWorkers(2, queue: queue)
        let relayClient = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        let relay = ServiceGroup(
            configuration: .init(services: [OutboxRelay(client: relayClient, logger: logger)], logger: logger))
        let relaying = Task { try await relay.run() }
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: .milliseconds(150))
        try await Task.sleep(for: .seconds(1))
        await shell(["rabbitmqctl", "-n", node, "stop_app"])
        try await Task.sleep(for: .seconds(4))
        await shell(["rabbitmqctl", "-n", node, "start_app"])
        let (ids, refused) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        await relay.triggerGracefulShutdown()
        _ = try? await relaying.value
        await relayClient.shutdown()
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let pending: Int = try await query(
            "SELECT count(DISTINCT task_id) AS n FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'PENDING'"
        ).first!.decode("n")
        row.notes.append(
            "broker down 4 s: \(pending) tasks accepted as PENDING and relayed; \(refused) submissions refused")
        return row
    }

    /// PostgreSQL restarted while tasks are submitted and consumed.
    func postgresRestart() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "postgres-restart")
        guard let data = environment["WARREN_PG_DATA"], let bin = environment["WARREN_PG_BIN"] else {
            row.notes.append("skipped: needs the local PostgreSQL of scripts/faults")
            return row
        }
        let queue = queue("postgres")
        let workers = try await startWorkers(2, queue: queue)
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: .milliseconds(150))
        try await Task.sleep(for: .seconds(1))
        let logFile = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("postgres.log").path
        await shell([
            "runuser", "-u", "postgres", "--", "\(bin)/pg_ctl", "-D", data, "-l", logFile, "-m", "fast", "-w",
            "restart",
        ])
        let (ids, refused) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        row.notes.append("database restarted: \(refused) submissions refused while it was down (never accepted)")
        return row
    }

    /// A worker on a separate host (a network namespace) whose link is cut for 20 s while tasks are
    /// submitted and consumed, beside a worker on this host. RabbitMQ gives the messages it held to
    /// the other worker once its heartbeats stop; whatever it finishes late is fenced out.
    func partition() async throws -> LedgerRow {
        var row = LedgerRow(scenario: "partition")
        let endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        let local = "127.0.0.1"
        guard endpoint.host == local, configuration.databaseURL.contains("@\(local):"),
            let databasePort = configuration.databaseURL.split(separator: ":").last?.split(separator: "/").first
                .flatMap({ Int($0) })
        else {
            row.notes.append("skipped: needs the local servers of scripts/faults")
            return row
        }
        guard getuid() == 0, let host = await NamespaceHost.create() else {
            row.notes.append("skipped: needs root and iproute2 to make a network namespace")
            return row
        }
        var proxies: [TCPProxy] = []
        var workers: [SupervisedWorker] = []
        func tearDown() async {
            for worker in workers { worker.stop() }
            for proxy in proxies { proxy.stop() }
            await host.remove()
        }
        let ids: [UUID]
        let refused: Int
        let cutAt: Date
        let restoredAt: Date
        do {
            let brokerProxy = try TCPProxy(address: host.gateway, upstreamPort: endpoint.port)
            proxies.append(brokerProxy)
            let databaseProxy = try TCPProxy(address: host.gateway, upstreamPort: databasePort)
            proxies.append(databaseProxy)
            // Heartbeats every 5 s: the broker notices the silent link after about 10 s.
            let amqpURL = configuration.amqpURL.replacingOccurrences(
                of: "\(local):\(endpoint.port)", with: "\(host.gateway):\(brokerProxy.port)")
            let remoteEnvironment = [
                "WARREN_AMQP_URL": amqpURL + (amqpURL.contains("?") ? "&" : "?") + "heartbeat=5",
                "WARREN_DATABASE_URL": configuration.databaseURL.replacingOccurrences(
                    of: "\(local):\(databasePort)", with: "\(host.gateway):\(databaseProxy.port)"),
            ]
            let queue = queue("partition")
            let remote = SupervisedWorker(
                queue: queue, concurrency: 16, name: "remote", namespace: host.name, environment: remoteEnvironment)
            workers.append(remote)
            remote.start()
            workers += try await startWorkers(1, queue: queue)
            try await TestEnvironment.waitForConsumers(
                2, on: queue, amqpURL: configuration.amqpURL, timeout: .seconds(60))
            async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 200, pause: .milliseconds(900))
            try await Task.sleep(for: .seconds(3))
            await host.cut()
            cutAt = Date()
            try await Task.sleep(for: .seconds(20))
            await host.restore()
            restoredAt = Date()
            (ids, refused) = try await submitted
            try await waitUntilFinished(ids, timeout: .seconds(120))
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
        let restarts = workers[0].starts - 1
        try await ledger(&row, ids)
        let remoteRuns = try await query(
            """
            SELECT count(*) FILTER (WHERE at < to_timestamp(\(cutAt)::float8)) AS before,
                count(*) FILTER (WHERE at > to_timestamp(\(restoredAt)::float8)) AS after
            FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'SUCCESS' AND worker LIKE 'remote:%'
            """
        ).first!
        let before: Int = try remoteRuns.decode("before")
        let after: Int = try remoteRuns.decode("after")
        if before == 0 { row.problems.append("the namespaced worker ran nothing before the cut") }
        if after == 0 { row.problems.append("the namespaced worker ran nothing after its link came back") }
        if refused > 0 { row.problems.append("\(refused) submissions refused") }
        row.notes.append(
            "link of the namespaced worker cut for 20 s: it ran \(before) tasks before the cut and \(after) after; \(restarts) restarts"
        )
        return row
    }
}

var logger = Logger(label: "warren.faults")
logger.logLevel = .critical
let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
    .migrate(try Migration.load(from: TestEnvironment.migrationsDirectory))
let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 2)
try await TestTasks.CountRun.prepare(pool)
try await TestTasks.Ledger.prepare(pool)
let faults = Faults(configuration: configuration, pool: pool, logger: logger)
let scenarios: [(String, () async throws -> LedgerRow)] = [
    ("sigkill", faults.sigkill), ("poison", faults.poison), ("runaway", faults.runaway),
    ("countdown", faults.countdown), ("rabbitmq-restart", faults.rabbitmqRestart),
    ("postgres-restart", faults.postgresRestart), ("partition", faults.partition),
]
let chosen = Set(CommandLine.arguments.dropFirst())
var rows: [LedgerRow] = []
for (name, scenario) in scenarios where chosen.isEmpty || chosen.contains(name) {
    FileHandle.standardError.write(Data("[faults] \(name)\n".utf8))
    let start = ContinuousClock.now
    var row: LedgerRow
    do {
        row = try await scenario()
    } catch {
        row = LedgerRow(scenario: name, problems: ["the scenario failed: \(error)"])
    }
    SupervisedWorker.stopAll()
    row.seconds = (ContinuousClock.now - start).seconds
    rows.append(row)
}
await pool.close()

func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}
print(
    pad("scenario", 18, right: false) + pad("accepted", 10) + pad("succeeded", 11) + pad("failed", 8)
        + pad("dead-lettered", 15) + pad("lost", 6) + pad("duplicates", 12) + pad("time", 9))
for row in rows {
    print(
        pad(row.scenario, 18, right: false) + pad("\(row.accepted)", 10) + pad("\(row.succeeded)", 11)
            + pad("\(row.failed)", 8) + pad("\(row.deadLettered)", 15) + pad("\(row.lost)", 6)
            + pad("\(row.duplicates)", 12) + pad(String(format: "%.1f s", row.seconds), 9))
}
for row in rows {
    for note in row.notes { print("  \(row.scenario): \(note)") }
    for problem in row.problems { print("  \(row.scenario): FAILED: \(problem)") }
}
let failures = rows.filter { !$0.problems.isEmpty }.count
print("\(rows.count - failures) passed, \(failures) failed")
exit(failures == 0 ? 0 : 1)
