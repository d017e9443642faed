import Foundation
import Logging
import Synchronization
import WarrenCore

/// A worker's count of the outcomes it recorded, by queue: added to `warren.queue_stats` once a
/// second, off the path of any task. Counts a worker had not yet added when it died are lost.
final class QueueTally: Sendable {
    private let counts = Mutex<[String: QueueCounts]>([:])

    /// Counts an outcome recorded for a task of `queue`: SUCCESS, FAILURE (a dead letter) or RETRY.
    func count(_ state: TaskState, in queue: String) {
        counts.withLock { counts in
            switch state {
            case .success: counts[queue, default: QueueCounts()].succeeded += 1
            case .failure: counts[queue, default: QueueCounts()].failed += 1
            case .retry: counts[queue, default: QueueCounts()].retried += 1
            default: break
            }
        }
    }

    /// Adds the counts to `warren.queue_stats` every second until cancelled, and once an hour
    /// deletes its rows older than a day (which no one reads).
    func run(store: TaskStore, logger: Logger) async {
        var flushes = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            await flush(store: store, logger: logger)
            flushes += 1
            if flushes % 3_600 == 1 { try? await store.deleteQueueCounts(olderThan: .seconds(86_400)) }
        }
    }

    /// Adds what was counted since the last flush; what cannot be written is kept for the next.
    func flush(store: TaskStore, logger: Logger) async {
        let taken = counts.withLock { counts in
            defer { counts.removeAll() }
            return counts
        }
        guard !taken.isEmpty else { return }
        do {
            try await store.addQueueCounts(taken)
        } catch {
            logger.debug("could not add to warren.queue_stats; trying again", metadata: [LoggingKey.error: "\(error)"])
            counts.withLock { counts in
                for (queue, more) in taken {
                    counts[queue, default: QueueCounts()].succeeded += more.succeeded
                    counts[queue, default: QueueCounts()].failed += more.failed
                    counts[queue, default: QueueCounts()].retried += more.retried
                }
            }
        }
    }
}
