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
