import Foundation
import Logging
import Synchronization
import WarrenCore

/// The progress reports of the attempts a worker runs (``TaskContext/progress(_:_:)``): each task's
/// latest is kept, and written every ``interval`` with those of the other tasks in one statement,
/// so a task's reports reach PostgreSQL at most once an interval however often it makes them; its
/// last, if not yet written, goes with its attempt's outcome (``take(_:attempt:)``), so that
/// whoever sees the outcome sees it too. A write is fenced by the attempt number: a report of an
/// attempt whose start is not yet written waits for it, and one of an attempt no longer the
/// task's is dropped.
final class ProgressReports: Sendable {
    static let interval = Duration.milliseconds(250)
    /// The most characters of a message kept.
    static let maximumMessageLength = 1_000

    struct Report: Sendable, Equatable {
        var attempt: Int
        var fraction: Double
        var message: String?
    }

    private let pending = Mutex<[UUID: Report]>([:])
    private let store: TaskStore
    private let logger: Logger

    init(store: TaskStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Keeps `id`'s latest report, to be written at the next interval.
    func report(_ id: UUID, attempt: Int, fraction: Double, message: String?) {
        let message = message.map {
            String($0.prefix(Self.maximumMessageLength)).replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        }
        pending.withLock { $0[id] = Report(attempt: attempt, fraction: fraction, message: message) }
    }

    /// Writes the pending reports every ``interval`` until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            let taken = pending.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
            guard !taken.isEmpty else { continue }
            let again: Set<UUID>
            do {
                again = try await store.writeProgress(taken).waiting
            } catch {
                logger.debug("could not write progress; trying again", metadata: [LoggingKey.error: "\(error)"])
                again = Set(taken.keys)
            }
            // Kept for the next interval, unless a newer report came meanwhile.
            pending.withLock { pending in
                for id in again where pending[id] == nil { pending[id] = taken[id] }
            }
        }
    }

    /// Takes the report of `id`'s attempt `attempt` not yet written, for its outcome to write.
    func take(_ id: UUID, attempt: Int) -> Report? {
        pending.withLock { pending in
            guard let report = pending[id], report.attempt == attempt else { return nil }
            pending[id] = nil
            return report
        }
    }
}
