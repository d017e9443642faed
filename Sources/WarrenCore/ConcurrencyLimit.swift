/// Lets at most `limit` pieces of work run at once, and tells when none is running.
public actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waitingForSlot: [CheckedContinuation<Void, Never>] = []
    private var waitingForIdle: [Int: CheckedContinuation<Bool, Never>] = [:]
    private var lastWaiter = 0

    public init(_ limit: Int) {
        self.limit = max(1, limit)
    }

    /// The number of pieces of work running now.
    public var count: Int { running }

    /// Waits for a free slot and takes it.
    public func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waitingForSlot.append($0) }
    }

    /// Gives a slot back.
    public func release() {
        if !waitingForSlot.isEmpty {
            waitingForSlot.removeFirst().resume()  // the slot passes straight to the waiter
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
