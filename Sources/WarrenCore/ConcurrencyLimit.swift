/// Lets at most `limit` pieces of work run at once, and tells when none is running.
public actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waitingForSlot: [(waiter: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var waitingForIdle: [Int: CheckedContinuation<Bool, Never>] = [:]
    private var lastWaiter = 0

    public init(_ limit: Int) {
        self.limit = max(1, limit)
    }

    /// The number of pieces of work running now.
    public var count: Int { running }

    /// Waits for a free slot and takes it, unless `giveUp` is or turns true first; returns whether
    /// it took one. While it waits, `giveUp` is asked every `interval`.
    public func acquire(
        unless giveUp: @escaping @Sendable () -> Bool, checkingEvery interval: Duration = .milliseconds(50)
    ) async -> Bool {
        if giveUp() { return false }
        if running < limit {
            running += 1
            return true
        }
        lastWaiter += 1
        let waiter = lastWaiter
        return await withCheckedContinuation { continuation in
            waitingForSlot.append((waiter, continuation))
            Task {
                while self.isWaiting(waiter) {
                    try? await Task.sleep(for: interval)
                    if giveUp() { self.stopWaiting(waiter) }
                }
            }
        }
    }

    private func isWaiting(_ waiter: Int) -> Bool {
        waitingForSlot.contains { $0.waiter == waiter }
    }

    private func stopWaiting(_ waiter: Int) {
        guard let index = waitingForSlot.firstIndex(where: { $0.waiter == waiter }) else { return }
        waitingForSlot.remove(at: index).continuation.resume(returning: false)
    }

    /// Gives a slot back.
    public func release() {
        if !waitingForSlot.isEmpty {
            waitingForSlot.removeFirst().continuation.resume(returning: true)  // the slot passes straight to the waiter
            return
        }
        running -= 1
        if running == 0 {
            for waiter in waitingForIdle.values { waiter.resume(returning: true) }
            waitingForIdle.removeAll()
        }
    }

    /// Waits until nothing runs, or `timeout` passes; returns whether nothing runs.
    public func waitUntilIdle(timeout: Duration) async -> Bool {
        if running == 0 { return true }
        lastWaiter += 1
        let waiter = lastWaiter
        return await withCheckedContinuation { continuation in
            waitingForIdle[waiter] = continuation
            Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(waiter)
            }
        }
    }

    private func timeOut(_ waiter: Int) {
        waitingForIdle.removeValue(forKey: waiter)?.resume(returning: false)
    }
}
