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
        case written(Int?)
        /// Writing the start failed.
        case failed(any Error)
    }

    /// An attempt whose start may still have to be written.
    final class Entry: Sendable {
        fileprivate let request: StartRequest
        fileprivate let due: ContinuousClock.Instant

        fileprivate init(request: StartRequest, due: ContinuousClock.Instant) {
            self.request = request
            self.due = due
        }
    }

    /// An entry the loop took: its start being written (with the attempt waiting for it, once it
    /// has ended), or written.
    private enum Progress {
        case writing(CheckedContinuation<Settled, Never>?)
        case written(Settled)
    }

    private struct State {
        var waiting: [ObjectIdentifier: Entry] = [:]
        var taken: [ObjectIdentifier: Progress] = [:]
        var looping = false
    }

    private let state = Mutex(State())
    private let delay: Duration
    private let starts: Batcher<StartRequest, Int?>

    init(delay: Duration, starts: Batcher<StartRequest, Int?>) {
        self.delay = delay
        self.starts = starts
    }

    /// Registers an attempt that has begun, whose start is `request`.
    func add(_ request: StartRequest) -> Entry {
        let entry = Entry(request: request, due: .now + delay)
        let startLoop = state.withLock { state in
            state.waiting[ObjectIdentifier(entry)] = entry
            defer { state.looping = true }
            return !state.looping
        }
        if startLoop { Task { await loop() } }
        return entry
    }

    /// Called once the attempt has ended: its start is then never written, unless the loop took
    /// it first, in which case this waits for the write.
    func settle(_ entry: Entry) async -> Settled {
        let key = ObjectIdentifier(entry)
        let settled: Settled? = state.withLock { state in
            if state.waiting.removeValue(forKey: key) != nil { return .unwritten }
            guard case .written(let settled)? = state.taken[key] else { return nil }
            state.taken[key] = nil
            return settled
        }
        if let settled { return settled }
        return await withCheckedContinuation { continuation in
            let settled: Settled? = state.withLock { state in
                guard case .written(let settled)? = state.taken[key] else {
                    state.taken[key] = .writing(continuation)
                    return nil
                }
                state.taken[key] = nil
                return settled
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }

    /// Writes the due starts every quarter of the delay, until no attempt waits.
    private func loop() async {
        while true {
            try? await Task.sleep(for: max(delay / 4, .milliseconds(5)))
            let now = ContinuousClock.now
            let (due, goOn) = state.withLock { state in
                let due = state.waiting.filter { $0.value.due <= now }
                for key in due.keys {
                    state.waiting[key] = nil
                    state.taken[key] = .writing(nil)
                }
                state.looping = !state.waiting.isEmpty
                return (due, state.looping)
            }
            await withDiscardingTaskGroup { group in
                for (key, entry) in due {
                    group.addTask {
                        let settled: Settled
                        do {
                            settled = .written(try await self.starts.submit(entry.request))
                        } catch {
                            settled = .failed(error)
                        }
                        self.written(key, settled)
                    }
                }
            }
            if !goOn { return }
        }
    }

    private func written(_ key: ObjectIdentifier, _ settled: Settled) {
        let waiter = state.withLock { state -> CheckedContinuation<Settled, Never>? in
            guard case .writing(let waiter)? = state.taken[key] else { return nil }
            state.taken[key] = waiter == nil ? .written(settled) : nil
            return waiter
        }
        waiter?.resume(returning: settled)
    }
}
