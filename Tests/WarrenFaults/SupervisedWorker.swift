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
        environment: [String: String] = [:], consumerTimeout: Int = 1_800
    ) {
        arguments = [queue, "\(concurrency)", "\(runawayGrace)", name, "\(consumerTimeout)"]
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
