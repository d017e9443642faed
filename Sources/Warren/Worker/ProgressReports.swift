import Foundation
import Logging
import Synchronization
import WarrenCore

/// The progress reports of the attempts a worker runs (``TaskContext/progress(_:_:)``): each
/// task's latest is kept, and those that changed are written every ``interval`` in one
/// statement, so a task's reports reach PostgreSQL at most once an interval however often it
/// makes them. As its attempt ends, its latest report is taken to go with the outcome
/// (``take(_:attempt:)``), so that whoever sees the outcome sees it too. A write is fenced like an
/// outcome: it lands only while its attempt is the task's running one; a report made before its
/// attempt's start was written waits for it.
final class ProgressReports: Sendable {
    static let interval = Duration.milliseconds(250)
    /// The most characters of a message kept.
    static let maximumMessageLength = 1_000

    struct Report: Sendable, Equatable {
        var attempt: Int
        var fraction: Double
        var message: String?
    }

    private struct Entry {
        var report: Report
        /// Not yet written.
        var changed: Bool
    }

    private let latest = Mutex<[UUID: Entry]>([:])
    private let store: TaskStore
    private let worker: String
    private let logger: Logger

    init(store: TaskStore, worker: String, logger: Logger) {
        self.store = store
        self.worker = worker
        self.logger = logger
    }

    /// Keeps `id`'s latest report, to be written at the next interval.
    func report(_ id: UUID, attempt: Int, fraction: Double, message: String?) {
        let message = message.map {
            String($0.prefix(Self.maximumMessageLength)).replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        }
        let report = Report(attempt: attempt, fraction: fraction, message: message)
        latest.withLock { $0[id] = Entry(report: report, changed: true) }
    }

    /// Writes the reports that changed every ``interval`` until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            let changed = latest.withLock { latest in
                var changed: [UUID: Report] = [:]
                for (id, entry) in latest where entry.changed {
                    changed[id] = entry.report
                    latest[id]?.changed = false
                }
                return changed
            }
            guard !changed.isEmpty else { continue }
            let again: Set<UUID>
            do {
                again = try await store.writeProgress(changed, worker: worker)
            } catch {
                logger.debug("could not write progress; trying again", metadata: [LoggingKey.error: "\(error)"])
                again = Set(changed.keys)
            }
            latest.withLock { latest in
                for id in again where latest[id]?.report == changed[id] { latest[id]?.changed = true }
            }
        }
    }

    /// Takes the latest report of `id`'s attempt `attempt` once the attempt has ended, written or
    /// not: for its outcome to write, or to drop when none is recorded.
    func take(_ id: UUID, attempt: Int) -> Report? {
        latest.withLock { latest in
            guard let entry = latest.removeValue(forKey: id) else { return nil }
            return entry.report.attempt == attempt ? entry.report : nil
        }
    }
}
