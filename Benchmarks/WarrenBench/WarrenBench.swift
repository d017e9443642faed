// Warren's benchmark: the broker's and database's ceilings through Warren's own client layers,
// then Warren end to end with real worker and API processes, in one run on one machine.
// `scripts/bench` builds it in release mode, starts the stack and runs it; see docs/performance.md.
import ArgumentParser
import Foundation
import Logging
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres

@main
struct WarrenBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren-bench",
        abstract: "Measure Warren beside the raw broker and database it runs on.")

    @Option(help: "noop tasks per end-to-end run.")
    var tasks = 20_000

    @Option(help: "Messages and rows for the raw ceilings.")
    var rawMessages = 50_000

    @Option(help: "Tasks running at once in each worker.")
    var concurrency = 100

    @Option(help: "Unacked deliveries per worker.")
    var prefetch = 400

    @Option(help: "Concurrent submitters through the typed client.")
    var submitters = 4

    @Option(help: "Tasks per typed-client batch (one INSERT and one confirm window each).")
    var batchSize = 100

    @Option(help: "Concurrent HTTP clients for the REST run.")
    var httpClients = 16

    @Option(help: "Seconds of REST load (driven by wrk).")
    var restSeconds = 5

    @Option(help: "Sequential submit → SUCCESS round trips for the latency figures.")
    var latencySamples = 1_000

    @Option(help: "Worker process counts for the scaling row, comma-separated.")
    var scaling = "1,2,4"

    @Option(
        help: """
            Finished tasks warren.tasks must hold before measuring. From 1000000 up, a realistic history             is loaded instead and the history scale table (reads at 1,000,000 tasks and at this many, with             their plans, and throughput while retention runs) is measured instead of the standard run.
            """)
    var history = 100_000

    @Option(help: "Tasks for the memory soak (worker RSS sampled every tenth of them); 0 skips it.")
    var soakTasks = 200_000

    @Flag(help: "Print the figures as JSON instead of a table.")
    var json = false

    mutating func run() async throws {
        do {
            try await measure()
        } catch {
            BenchProcess.stopAll()
            throw error
        }
    }

    private func measure() async throws {
        var logger = Logger(label: "warren.bench")
        logger.logLevel = .warning
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 4)
        var report = Report()
        report.machine = Report.machineDescription()

        if history >= HistoryScale.layer {
            try await measureHistoryScale(configuration: configuration, logger: logger, pool: pool, report: &report)
            await pool.close()
            if json { print(report.json()) }
            return
        }

        progress("filling history to \(history) rows")
        try await fillHistory(pool, rows: history)

        progress("raw ceilings (\(rawMessages) messages and rows)")
        let ceilingsStart = CPUAccount(processes: [])
        let rawQueue = "bench-raw-\(UUID().uuidString.prefix(8).lowercased())"
        let setup = try await AMQPConnection.connect(to: endpoint)
        try await setup.declareQueue(rawQueue)
        report.add(
            "broker", "publish, persistent + confirmed",
            try await Ceilings.publish(endpoint: endpoint, queue: rawQueue, count: rawMessages), "msg/s")
        report.add(
            "broker", "consume + ack (multiple)",
            try await Ceilings.consume(endpoint: endpoint, queue: rawQueue, count: rawMessages), "msg/s")
        let brokerCeiling = try await Ceilings.publishAndConsume(
            endpoint: endpoint, queue: rawQueue, count: rawMessages)
        report.add("broker", "publish + consume together", brokerCeiling, "msg/s")
        report.add(
            "broker", "one publish + confirm at a time, p50",
            try await Ceilings.confirmRoundTrip(endpoint: endpoint, queue: rawQueue), "ms")
        try await setup.deleteQueue(rawQueue)
        await setup.close()
        let rows = try await Ceilings.databaseRows(pool: pool, count: rawMessages)
        report.add("database", "INSERT, 100 rows per statement", rows.insert, "rows/s")
        report.add("database", "UPDATE by key, 100 rows per statement", rows.update, "rows/s")
        report.add(
            "database", "one INSERT + commit at a time, p50", try await Ceilings.commitRoundTrip(pool: pool), "ms")
        let ceilings = CPUAccount(processes: []).since(ceilingsStart)
        report.add("cpu", "ceilings: stolen by the hypervisor", ceilings.share(ceilings.stolen), "%")

        try await EndToEnd.storeAPIKey(pool)
        let endToEnd = EndToEnd(configuration: configuration, logger: logger, pool: pool)
        let queue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        progress("end to end: \(tasks) noop tasks, 2 workers")
        var workers = try await endToEnd.startWorkers(2, queue: queue, concurrency: concurrency, prefetch: prefetch)
        let typed = try await endToEnd.typedClientRun(
            Noop.self, .init(), count: tasks, queue: queue, submitters: submitters, batchSize: batchSize,
            workers: workers)
        report.add("warren", "typed client → SUCCESS, 2 workers", typed.tasksPerSecond, "tasks/s")
        report.add("warren", "… as a share of the broker ceiling", typed.tasksPerSecond / brokerCeiling * 100, "%")
        report.add("warren", "… as a multiple of Celery (234/s)", typed.tasksPerSecond / 234, "×")
        report.addCPU(typed, label: "typed")

        progress("REST: \(restSeconds) s of POST /v1/tasks from \(httpClients) clients (wrk)")
        let api = try BenchProcess(
            name: "api", arguments: ["api", "--port", "0", "--log-level", "warning"], environment: [:])
        let listening = try api.waitForLine(containing: "listening on")
        guard let port = listening.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw BenchError("could not read the API's port from \(listening)")
        }
        let rest = try await endToEnd.restSubmission(
            seconds: restSeconds, queue: queue, clients: httpClients, port: port, processes: workers + [api])
        report.add("warren", "REST accepted, \(httpClients) clients", rest.tasksPerSecond, "tasks/s")
        report.addCPU(rest, label: "REST")
        try await endToEnd.waitForQueueToFinish(queue, expected: tasks + rest.tasks)
        // Workers usually run on other hosts: the API's own capacity, with no worker on these cores
        // (the two above sit idle on another queue). The backlog then runs to SUCCESS.
        let backlogQueue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        // Declared as an operator would: no worker consumes it yet, and the API takes only invited queues.
        try await WarrenClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.declare(queue: backlogQueue)
        }
        let accepted = try await endToEnd.restSubmission(
            seconds: restSeconds, queue: backlogQueue, clients: httpClients, port: port, processes: [api])
        report.add(
            "warren", "REST accepted, \(httpClients) clients, no worker busy", accepted.tasksPerSecond, "tasks/s")
        report.addCPU(accepted, label: "REST, no worker busy")
        let drainers = try await endToEnd.startWorkers(
            2, queue: backlogQueue, concurrency: concurrency, prefetch: prefetch)
        try await endToEnd.waitForQueueToFinish(backlogQueue, expected: accepted.tasks)
        for drainer in drainers { drainer.stop() }

        progress("latency: \(latencySamples) sequential round trips")
        let latencyByTask = try await endToEnd.latency(samples: latencySamples, queue: queue, port: port)
        let latencies = latencyByTask.values.sorted()
        report.add("warren", "submit → SUCCESS via GET, p50", percentile(latencies, 0.50), "ms")
        report.add("warren", "submit → SUCCESS via GET, p99", percentile(latencies, 0.99), "ms")
        report.add("warren", "submit → SUCCESS via GET, max", latencies.last ?? 0, "ms")
        let parts = try await endToEnd.latencyParts(latencyByTask)
        report.add("warren", "… p50 from the API taking it to START", percentile(parts.toStart, 0.50), "ms")
        report.add("warren", "… p50 from START to the outcome statement", percentile(parts.toOutcome, 0.50), "ms")
        report.add("warren", "… p50 of the rest (HTTP, commit, notification, read)", percentile(parts.rest, 0.50), "ms")
        for worker in workers {
            report.add(
                "warren", "\(worker.name) peak resident memory", Double(worker.peakResidentBytes) / 1_048_576, "MiB")
        }
        report.add("warren", "api peak resident memory", Double(api.peakResidentBytes) / 1_048_576, "MiB")
        api.stop()
        for worker in workers { worker.stop() }

        if soakTasks > 0 {
            progress("memory soak: \(soakTasks) tasks, 2 workers")
            let soakQueue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
            workers = try await endToEnd.startWorkers(2, queue: soakQueue, concurrency: concurrency, prefetch: prefetch)
            let chunk = max(1, soakTasks / 10)
            var early: [Int] = []
            var submitted = 0
            while submitted < soakTasks {
                let count = min(chunk, soakTasks - submitted)
                _ = try await endToEnd.typedClientRun(
                    Noop.self, .init(), count: count, queue: soakQueue, submitters: submitters, batchSize: batchSize,
                    workers: workers)
                submitted += count
                if early.isEmpty { early = workers.map(\.residentBytes) }
            }
            let late = workers.map(\.residentBytes)
            for (index, worker) in workers.enumerated() {
                report.add("soak", "\(worker.name) RSS after \(chunk) tasks", Double(early[index]) / 1_048_576, "MiB")
                report.add(
                    "soak", "\(worker.name) RSS after \(soakTasks) tasks", Double(late[index]) / 1_048_576, "MiB")
                report.add(
                    "soak", "\(worker.name) RSS growth", (Double(late[index]) / Double(early[index]) - 1) * 100, "%")
            }
            for worker in workers { worker.stop() }
        }

        let workerCounts = scaling.split(separator: ",").compactMap { Int($0) }
        for count in workerCounts {
            progress("scaling: \(count) worker(s)")
            let scaleQueue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
            workers = try await endToEnd.startWorkers(
                count, queue: scaleQueue, concurrency: concurrency, prefetch: prefetch)
            let run = try await endToEnd.typedClientRun(
                Noop.self, .init(), count: tasks / 2, queue: scaleQueue, submitters: submitters, batchSize: batchSize,
                workers: workers)
            report.add("scaling", "\(count) worker process(es), noop", run.tasksPerSecond, "tasks/s")
            for worker in workers { worker.stop() }
        }
        // With noop tasks the shared cores bound the run, not the workers. Tasks that wait
        // (I/O-bound work) with few slots per worker make each worker the bound instead.
        let sleepy = Sleep.Arguments(milliseconds: 20)
        let slots = 10
        for count in workerCounts {
            progress(
                "scaling, worker-bound: \(count) worker(s), \(slots) slots each, tasks of \(sleepy.milliseconds) ms")
            let scaleQueue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
            let bound = count * slots * 1_000 / sleepy.milliseconds  // tasks per second the slots allow
            // About 4 s at that rate.
            workers = try await endToEnd.startWorkers(count, queue: scaleQueue, concurrency: slots, prefetch: slots * 4)
            let run = try await endToEnd.typedClientRun(
                Sleep.self, sleepy, count: min(bound * 4, tasks), queue: scaleQueue, submitters: submitters,
                batchSize: batchSize,
                workers: workers)
            report.add(
                "scaling", "\(count) worker(s), \(slots) slots, \(sleepy.milliseconds) ms tasks (at most \(bound)/s)",
                run.tasksPerSecond, "tasks/s")
            for worker in workers { worker.stop() }
        }
        await pool.close()
        print(json ? report.json() : report.table())
    }

    /// The history scale table (``HistoryScale``), printed as it is measured, then end-to-end
    /// throughput with and without retention deleting about a tenth of the history.
    private func measureHistoryScale(
        configuration: Configuration, logger: Logger, pool: PostgresPool, report: inout Report
    ) async throws {
        try await EndToEnd.storeAPIKey(pool)
        let scale = HistoryScale(configuration: configuration, logger: logger, pool: pool)
        // Its own retention would delete the history being measured.
        let keepEverything = [
            "WARREN_RETAIN_SUCCESS": "forever", "WARREN_RETAIN_FAILURE": "forever",
            "WARREN_RETAIN_REVOKED": "forever",
        ]
        let api = try BenchProcess(
            name: "api", arguments: ["api", "--port", "0", "--log-level", "warning"], environment: keepEverything)
        let listening = try api.waitForLine(containing: "listening on")
        guard let port = listening.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw BenchError("could not read the API's port from \(listening)")
        }
        let client = try WarrenClient(configuration: configuration, logger: logger)
        var sizes: [(rows: Int, figures: [HistoryScale.Figure])] = []
        for rows in Set([HistoryScale.layer, history]).sorted() {
            try await scale.load(rows: rows) { progress($0) }
            progress("timing reads at \(rows) tasks")
            let figures =
                try await scale.measureAPI(port: port, samples: 200, client: client)
                + scale.measureGuide(samples: 10)
            sizes.append((rows, figures))
            for figure in figures where json {
                report.add("history \(rows / 1_000_000)M", "\(figure.name), p50", figure.p50, "ms")
                report.add("history \(rows / 1_000_000)M", "\(figure.name), p99", figure.p99, "ms")
            }
            if !json { print(HistoryScale.table(sizes) + "\n") }
        }
        await client.shutdown()
        api.stop()

        progress("end to end, without and then with retention deleting what finished over 27 days ago")
        try await EndToEnd.storeAPIKey(pool)
        let endToEnd = EndToEnd(configuration: configuration, logger: logger, pool: pool)
        let queue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let workers = try await endToEnd.startWorkers(2, queue: queue, concurrency: concurrency, prefetch: prefetch)
        func run() async throws -> EndToEnd.Run {
            try await endToEnd.typedClientRun(
                Noop.self, .init(), count: tasks, queue: queue, submitters: submitters, batchSize: batchSize,
                workers: workers)
        }
        let without = try await run()
        let retention = HistoryRetention(
            databaseURL: configuration.databaseURL,
            policy: RetentionPolicy(olderThan: 27 * 86_400, states: [.success, .failure, .revoked]), logger: logger)
        let purging = Mutex(true)
        let started = ContinuousClock.now
        let purge = Task {
            defer { purging.withLock { $0 = false } }
            return try await retention.purge()
        }
        var during: [EndToEnd.Run] = []
        while purging.withLock({ $0 }) { during.append(try await run()) }
        let totals = try await purge.value
        let purgeSeconds = (ContinuousClock.now - started).seconds
        for worker in workers { worker.stop() }
        let withRetention = Double(during.map(\.tasks).reduce(0, +)) / during.map(\.cpu.seconds).reduce(0, +)
        report.add("retention", "typed client → SUCCESS, 2 workers, no retention", without.tasksPerSecond, "tasks/s")
        report.add("retention", "… while retention deletes (\(during.count) runs)", withRetention, "tasks/s")
        report.add("retention", "… as a share of the run without", withRetention / without.tasksPerSecond * 100, "%")
        report.add("retention", "tasks deleted", Double(totals.tasks), "tasks")
        report.add("retention", "events deleted", Double(totals.events), "events")
        report.add("retention", "deleted while tasks ran", Double(totals.tasks) / purgeSeconds, "tasks/s")
        if !json { print(report.table()) }
    }

    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("[bench] \(message)\n".utf8))
    }

    /// Inserts synthetic finished tasks so plans are measured on a table with a realistic history.
    private func fillHistory(_ pool: PostgresPool, rows: Int) async throws {
        let existing = try await pool.query("SELECT count(*) AS n FROM warren.tasks").first!.decode("n", as: Int.self)
        guard existing < rows else { return }
        _ = try await pool.query(
            """
            WITH inserted AS (
                INSERT INTO warren.tasks (id, task, queue, state, args, result, attempts, created_at, queued_at,
                                          started_at, finished_at)
                SELECT gen_random_uuid(), 'noop', 'history', \("SUCCESS"), '{}', '{}', 1, t, t, t, t
                FROM generate_series(1, \(rows - existing)::int) AS g(n), LATERAL (SELECT now() - n * interval '1 second' AS t) AS times
                RETURNING id, finished_at
            )
            INSERT INTO warren.task_events (task_id, at, state, attempt) SELECT id, finished_at, \("SUCCESS"), 1 FROM inserted
            """)
        _ = try await pool.query("ANALYZE warren.tasks")
        _ = try await pool.query("ANALYZE warren.task_events")
    }
}
