/// The decisions behind ``DeferredStarts``: which attempts still wait for their start to be
/// written, which are due, and what an ending attempt learns of its start. Events go in and what to
/// do comes out; ``DeferredStarts`` writes the starts and resumes the attempts.
///
/// An attempt is added when it begins. It leaves one of two ways: it ends first (``settle(_:)``
/// says `unwritten`, and its outcome records the start), or it is due first, and the loop takes it
/// (``takeDue(at:)``) and writes its start; an attempt that ends while its start is being written
/// waits for that write (``wait(_:_:)``, then ``written(_:_:)`` hands back its waiter).
struct DeferredStartsState<Attempt: Hashable, Written, Waiter> {
    /// What an ending attempt learns of its start.
    enum Settlement {
        /// Never written: the outcome must record it.
        case unwritten
        /// Written, with this result.
        case written(Written)
        /// Being written now: ``wait(_:_:)`` for it.
        case beingWritten
    }

    private enum Progress {
        case writing(Waiter?)
        case written(Written)
    }

    private var dueAt: [Attempt: ContinuousClock.Instant] = [:]
    private var taken: [Attempt: Progress] = [:]
    /// The loop runs while attempts wait.
    private(set) var looping = false

    /// An attempt began; its start is due at `due`. Returns whether to start the loop.
    mutating func add(_ attempt: Attempt, due: ContinuousClock.Instant) -> Bool {
        dueAt[attempt] = due
        defer { looping = true }
        return !looping
    }

    /// An attempt ended: from now on its start is never written, unless the loop took it first.
    mutating func settle(_ attempt: Attempt) -> Settlement {
        if dueAt.removeValue(forKey: attempt) != nil { return .unwritten }
        guard case .written(let written)? = taken[attempt] else { return .beingWritten }
        taken[attempt] = nil
        return .written(written)
    }

    /// The ended `attempt`, whose start is being written, waits for the write with `waiter`.
    /// Returns the write's result at once if it came in meanwhile.
    mutating func wait(_ attempt: Attempt, _ waiter: Waiter) -> Written? {
        guard case .written(let written)? = taken[attempt] else {
            taken[attempt] = .writing(waiter)
            return nil
        }
        taken[attempt] = nil
        return written
    }

    /// The loop woke at `now`: takes the attempts that are due, to write their starts, and says
    /// whether to go on (attempts still wait) or stop.
    mutating func takeDue(at now: ContinuousClock.Instant) -> (due: [Attempt], goOn: Bool) {
        let due = dueAt.filter { $0.value <= now }.map(\.key)
        for attempt in due {
            dueAt[attempt] = nil
            taken[attempt] = .writing(nil)
        }
        looping = !dueAt.isEmpty
        return (due, looping)
    }

    /// A taken attempt's start was written (or failed): returns the waiter to resume with it, if
    /// the attempt has ended already; otherwise keeps the result for its ``settle(_:)``.
    mutating func written(_ attempt: Attempt, _ written: Written) -> Waiter? {
        guard case .writing(let waiter)? = taken[attempt] else { return nil }
        taken[attempt] = waiter == nil ? .written(written) : nil
        return waiter
    }
}
