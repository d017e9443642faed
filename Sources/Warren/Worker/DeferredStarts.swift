import Synchronization
import WarrenCore

/// The starts of first deliveries, written only for attempts still running `delay` after they
/// began (see ``Worker/Options/recordStartAfter``); an attempt that ends sooner has its start
/// written with its outcome. One loop, not a timer per task: while attempts wait, it wakes every
/// quarter of the delay (at most every 5 ms) and writes the starts that are due, through the
/// batched start statement.
final class DeferredStarts: Sendable {
    enum Settled {
        /// The delay had not passed: the outcome must record the start.
        case unwritten
        /// The start was written: the attempt it got, or nil when its fence failed (the task was
        /// revoked, or another worker took it, while it ran).
        case written(AttemptNumber?)
        /// Writing the start failed.
        case failed(any Error)
    }

    /// An attempt whose start may still have to be written.
    final class Entry: Sendable, Hashable {
        fileprivate let request: StartRequest

        fileprivate init(request: StartRequest) {
            self.request = request
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs === rhs }
        func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    }

    private let state = Mutex(DeferredStartsState<Entry, Settled, CheckedContinuation<Settled, Never>>())
    private let delay: Duration
    private let starts: Batcher<StartRequest, AttemptNumber?>

    init(delay: Duration, starts: Batcher<StartRequest, AttemptNumber?>) {
        self.delay = delay
        self.starts = starts
    }

    /// Registers an attempt that has begun, whose start is `request`.
    func add(_ request: StartRequest) -> Entry {
        let entry = Entry(request: request)
        let due = ContinuousClock.now + delay
        if state.withLock({ $0.add(entry, due: due) }) { Task { await loop() } }
        return entry
    }

    /// Called once the attempt has ended: its start is then never written, unless the loop took
    /// it first, in which case this waits for the write.
    func settle(_ entry: Entry) async -> Settled {
        switch state.withLock({ $0.settle(entry) }) {
        case .unwritten:
            return .unwritten
        case .written(let settled):
            return settled
        case .beingWritten:
            return await withCheckedContinuation { continuation in
                if let settled = state.withLock({ $0.wait(entry, continuation) }) {
                    continuation.resume(returning: settled)
                }
            }
        }
    }

    /// Writes the due starts every quarter of the delay, until no attempt waits.
    private func loop() async {
        while true {
            try? await Task.sleep(for: max(delay / 4, .milliseconds(5)))
            let now = ContinuousClock.now
            let (due, goOn) = state.withLock { $0.takeDue(at: now) }
            await withDiscardingTaskGroup { group in
                for entry in due {
                    group.addTask {
                        let settled: Settled
                        do {
                            settled = .written(try await self.starts.submit(entry.request))
                        } catch {
                            settled = .failed(error)
                        }
                        self.state.withLock { $0.written(entry, settled) }?.resume(returning: settled)
                    }
                }
            }
            if !goOn { return }
        }
    }
}
