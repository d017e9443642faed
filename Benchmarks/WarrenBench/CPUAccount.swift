import Foundation
import WarrenCore

/// Where the machine's CPU went during a run, per process group, read from /proc: the profile
/// that says what bounds a figure when every process shares the same cores.
struct CPUAccount {
    /// CPU seconds per group so far: `rabbitmq`, `postgresql`, each named Warren process,
    /// `benchmark` (this process: the submitters and the polling) and `wrk`.
    private var groups: [String: Double] = [:]
    /// Busy seconds of all cores together, every process included.
    private var busy = 0.0
    /// Seconds the hypervisor gave these cores to other machines (steal).
    private var stolen = 0.0
    private let start = ContinuousClock.now

    /// Reads the counters now; `processes` are the Warren processes to name.
    ///
    /// Each process counts with the children it has reaped, so that a PostgreSQL backend ending
    /// during a run stays in its group through the postmaster. This process's reaped children
    /// are the runs of `wrk`, which start and end between two readings.
    init(processes: [BenchProcess]) {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let named = Dictionary(processes.map { ($0.pid, $0.name) }, uniquingKeysWith: { first, _ in first })
        let me = ProcessInfo.processInfo.processIdentifier
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let process = Self.read(pid: pid) else { continue }
            let group: String? =
                if pid == me { "benchmark" } else if let name = named[pid] {
                    name
                } else if process.command == "beam.smp" { "rabbitmq" } else if process.command == "postgres" {
                    "postgresql"
                } else { nil }
            guard let group else { continue }
            if pid == me {
                groups["benchmark", default: 0] += process.ownTicks / ticksPerSecond
                groups["wrk", default: 0] += process.childrenTicks / ticksPerSecond
            } else {
                groups[group, default: 0] += (process.ownTicks + process.childrenTicks) / ticksPerSecond
            }
        }
        // The first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks.
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first
        {
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if fields.count >= 8 {
                busy = (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / ticksPerSecond
                stolen = fields[7] / ticksPerSecond
            }
        }
    }

    /// What was used from `before` to this reading.
    func since(_ before: CPUAccount) -> CPUUse {
        CPUUse(
            groups: groups.merging(before.groups.mapValues { -$0 }, uniquingKeysWith: +).filter { $0.value > 0 },
            busy: busy - before.busy, stolen: stolen - before.stolen, seconds: (start - before.start).seconds)
    }

    /// A process's command name, its own user plus system CPU time, and that of the children it
    /// has waited for, in clock ticks.
    private static func read(pid: Int32) -> (command: String, ownTicks: Double, childrenTicks: Double)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, from field 3 (state): utime, stime, cutime and cstime are
        // fields 14 to 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ").dropFirst(11).prefix(4).compactMap {
            Double($0)
        }
        guard fields.count == 4 else { return nil }
        return (String(stat[stat.index(after: open)..<close]), fields[0] + fields[1], fields[2] + fields[3])
    }
}

/// The CPU used between two ``CPUAccount`` readings.
struct CPUUse {
    /// CPU seconds per process group that used any.
    var groups: [String: Double]
    /// Busy seconds of all cores together.
    var busy: Double
    /// Seconds the hypervisor gave the cores to other machines.
    var stolen: Double
    /// Wall-clock seconds between the readings.
    var seconds: Double

    /// `cpuSeconds` as a share of all cores over the interval, in percent.
    func share(_ cpuSeconds: Double) -> Double {
        cpuSeconds / (seconds * Double(ProcessInfo.processInfo.activeProcessorCount)) * 100
    }
}
