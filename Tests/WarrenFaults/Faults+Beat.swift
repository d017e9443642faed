import Foundation
import Warren
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

extension Faults {
    /// Two `warren beat` processes fire an every-second schedule for 70 s: the leader is SIGKILLed
    /// after 20 s (and a beat started in its place), and PostgreSQL is restarted after 45 s. The
    /// slot ledger: every second from the first slot to the beats' stop fired once, each slot made
    /// one task, and every task ran.
    func beat() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "beat")
        let queue = queue("beat")
        let schedule = "faults-\(queue)"
        let workers = try await startWorkers(1, queue: queue)
        defer { for worker in workers { worker.stop() } }
        try await WarrenClient.withClient(configuration: configuration, logger: logger) { client in
            _ = try await client.addSchedule(
                try Schedule(
                    name: schedule, trigger: .every(seconds: 1), task: TestTasks.Echo.name, args: ["value": 1],
                    queue: queue))
        }
        var beats = try [BeatProcess(), BeatProcess()]
        defer { for beat in beats { beat.kill(SIGKILL) } }
        try await Task.sleep(for: .seconds(20))
        guard let leader = beats.first(where: \.isLeader), let standby = beats.first(where: { !$0.isLeader }) else {
            row.problems.append("no beat led within 20 s")
            return row
        }
        leader.kill(SIGKILL)
        let killed = ContinuousClock.now
        while !standby.isLeader, ContinuousClock.now - killed < .seconds(15) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let takeover = ContinuousClock.now - killed
        if takeover > .seconds(5) { row.problems.append("the standby took over after \(takeover), not within 5 s") }
        beats = [standby, try BeatProcess()]
        try await Task.sleep(for: .seconds(25))
        var restarted = false
        if let data = environment["WARREN_PG_DATA"], let bin = environment["WARREN_PG_BIN"] {
            let logFile = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("postgres.log")
            await shell([
                "runuser", "-u", "postgres", "--", "\(bin)/pg_ctl", "-D", data, "-l", logFile.path, "-m", "fast", "-w",
                "restart",
            ])
            restarted = true
        }
        try await Task.sleep(for: .seconds(25))
        let stopped = Date()
        for beat in beats { beat.kill(SIGTERM) }
        for beat in beats { beat.waitUntilExit() }

        let slots = try await query(
            "SELECT slot, task_id FROM warren.schedule_firings WHERE schedule = \(schedule) ORDER BY slot"
        ).map { (try $0.decode("slot", as: Date.self), try $0.decode("task_id", as: UUID.self)) }
        let ids = slots.map(\.1)
        let tasks: Int = try await query("SELECT count(*) AS n FROM warren.tasks WHERE queue = \(queue)").first!
            .decode("n")
        // Every second from the first slot to the last before the beats were stopped; a slot in the
        // second they stopped may have fired or not.
        let first = slots.first?.0.timeIntervalSince1970 ?? 0
        let lastDue = stopped.timeIntervalSince1970.rounded(.down) - 1
        let expected = Int(lastDue - first) + 1
        let distinct = Set(slots.map(\.0))
        let fired = distinct.filter { $0.timeIntervalSince1970 <= lastDue }.count
        let doubled = tasks - distinct.count
        let missed = expected - fired
        row.notes.append(
            "slot ledger: expected \(expected), fired \(fired), doubled \(doubled), missed \(missed)"
                + " (and \(distinct.count - fired) in the second the beats stopped)")
        row.notes.append(
            String(format: "the standby led %.1f s after the leader's SIGKILL; ", takeover.seconds)
                + (restarted
                    ? "PostgreSQL restarted under the beats" : "PostgreSQL not restarted (needs the local servers)"))
        if doubled > 0 { row.problems.append("\(doubled) slots made more than one task") }
        if missed > 0 { row.problems.append("\(missed) slots did not fire") }
        try await waitUntilFinished(ids, timeout: .seconds(60))
        try await ledger(&row, ids)
        _ = try await query("DELETE FROM warren.schedules WHERE name = \(schedule)")
        return row
    }
}

/// A `warren beat` process, its output kept to tell whether it leads.
final class BeatProcess: @unchecked Sendable {
    private let process = Process()
    private let outputPath = NSTemporaryDirectory() + "warren-faults-beat-\(UUID().uuidString)"

    init() throws {
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: executable("warren"))
        process.arguments = ["beat"]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try output.close()
    }

    var isLeader: Bool {
        let output = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        return String(decoding: output, as: UTF8.self).contains("beat is the leader")
    }

    func kill(_ signal: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    func waitUntilExit() { process.waitUntilExit() }

    deinit {
        kill(SIGKILL)
        try? FileManager.default.removeItem(atPath: outputPath)
    }
}
