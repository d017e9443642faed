import Foundation
import Synchronization

/// A Warren process started by the benchmark (a worker or the API), with its resource use read
/// from /proc.
final class BenchProcess: @unchecked Sendable {
    /// Every process started, so a failed run can stop them all instead of leaving them behind.
    private static let started = Mutex<[BenchProcess]>([])

    let name: String
    let process: Process
    private let output = Pipe()

    /// Starts `warren <arguments>` from the build directory beside this executable.
    init(name: String, arguments: [String], environment: [String: String]) throws {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("warren")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        Self.started.withLock { $0.append(self) }
    }

    /// Stops every process the benchmark started that is still running.
    static func stopAll() {
        for process in started.withLock({ $0 }) { process.stop() }
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads the process's standard output until a line contains `marker`, and returns that line.
    func waitForLine(containing marker: String) throws -> String {
        var buffer = ""
        let handle = output.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { throw BenchError("\(name) exited before printing \(marker)") }
            buffer += String(decoding: data, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
        }
    }

    /// Peak resident memory so far, in bytes (VmHWM).
    var peakResidentBytes: Int { Self.statusField("VmHWM", pid: pid) * 1024 }

    /// Resident memory now, in bytes (VmRSS).
    var residentBytes: Int { Self.statusField("VmRSS", pid: pid) * 1024 }

    /// User plus system CPU time so far, in seconds.
    var cpuSeconds: Double {
        (CPUAccount.commandAndCPU(pid: pid)?.ticks ?? 0) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Sends SIGTERM and waits for the exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func statusField(_ name: String, pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the machine's CPU went during a run, per process group, from /proc: the profile that
/// says which process a figure is bound by on cores they all share.
struct CPUAccount {
    /// CPU seconds per group: `rabbitmq`, `postgresql`, `benchmark` (this process: submitters and
    /// polling), `wrk`, each named Warren process, `machine` (every core's busy time, all
    /// processes) and `stolen` (time the hypervisor ran other machines on these cores).
    private(set) var seconds: [String: Double] = [:]

    /// Reads the counters now; `processes` are the Warren processes to name.
    init(processes: [BenchProcess]) {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let named = Dictionary(processes.map { ($0.pid, $0.name) }, uniquingKeysWith: { first, _ in first })
        let me = ProcessInfo.processInfo.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let (command, cpu) = Self.commandAndCPU(pid: pid) else { continue }
            let group: String?
            if pid == me {
                group = "benchmark"
            } else if let name = named[pid] {
                group = name
            } else if command == "beam.smp" {
                group = "rabbitmq"
            } else if command == "postgres" {
                group = "postgresql"
            } else if command == "wrk" {
                group = "wrk"
            } else {
                group = nil
            }
            if let group { seconds[group, default: 0] += cpu / ticks }
        }
        // The first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks.
        // Steal is time the hypervisor gave the cores to other machines.
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first
        {
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if fields.count >= 8 {
                seconds["machine"] = (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / ticks
                seconds["stolen"] = fields[7] / ticks
            }
        }
    }

    /// What each group used from `before` to this reading.
    func since(_ before: CPUAccount) -> [String: Double] {
        seconds.merging(before.seconds.mapValues { -$0 }, uniquingKeysWith: +)
    }

    /// A process's command name and its user plus system CPU time in clock ticks.
    static func commandAndCPU(pid: Int32) -> (command: String, ticks: Double)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return nil }
        let command = String(stat[stat.index(after: open)..<close])
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (command, user + system)
    }
}
