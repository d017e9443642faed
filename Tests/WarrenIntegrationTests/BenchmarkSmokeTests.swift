import Foundation
import Testing
import Warren
import WarrenTesting

/// The benchmark's smoke run: a few hundred tasks, checking that it completes and that its
/// figures are well-formed. Speed is measured by scripts/bench, never asserted here.
@Suite(.timeLimit(.minutes(5))) struct BenchmarkSmokeTests {
    /// On a database of its own: the benchmark stores an API key, which would close every other
    /// test's API on the shared one.
    @Test func aSmallBenchmarkRunCompletesWithWellFormedFigures() async throws {
        try await Servers.withDatabase("warren_bench_smoke") { configuration in
            try await Self.run(environment: ["WARREN_DATABASE_URL": configuration.databaseURL])
        }
    }

    static func run(environment: [String: String]) async throws {
        let (status, output) = try await runProgram(
            builtExecutable("WarrenBench"),
            [
                "--tasks", "200", "--raw-messages", "500", "--latency-samples", "20", "--scaling", "1", "--history",
                "0",
                "--concurrency", "20", "--prefetch", "40", "--rest-seconds", "1", "--soak-tasks", "100", "--json",
            ], environment: environment)
        #expect(status == 0)
        let report = try JSONValue(parsing: Array(output.utf8))
        guard case .array(let figures) = report["figures"] else {
            Issue.record("no figures in \(output.prefix(300))")
            return
        }
        let names = figures.compactMap { $0["name"]?.stringValue }
        for expected in [
            "publish, persistent + confirmed", "consume + ack (multiple)", "INSERT, 100 rows per statement",
            "typed client → SUCCESS, 2 workers", "REST accepted, 16 clients", "submit → SUCCESS via GET, p99",
            "… p50 from the API taking it to START",
            "worker1 peak resident memory", "api peak resident memory", "1 worker process(es), noop",
            "worker2 RSS growth",
            "1 worker(s), 10 slots, 20 ms tasks (at most 500/s)", "typed: postgresql per task", "typed: machine busy",
            "typed: stolen by the hypervisor",
        ] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        for figure in figures {
            guard case .number(let number) = figure["value"] else {
                Issue.record("\(figure) has no number")
                continue
            }
            // Growth may be negative (memory returned to the system); everything else is a size, rate or time.
            let value = number.doubleValue
            #expect(value.isFinite, "\(figure)")
            if figure["unit"] != "%" { #expect(value >= 0, "\(figure)") }
            // CPU seconds may round to zero ticks in so short a run; rates never may.
            if figure["unit"]?.stringValue?.hasSuffix("/s") == true {
                #expect(value > 0, "\(figure)")
            }
        }
    }
}
