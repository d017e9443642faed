/// Lets at most `limit` pieces of work run at once, and tells when none is running.
public actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waitingForSlot: [CheckedContinuation<Void, Never>] = []
    private var waitingForIdle: [CheckedContinuation<Void, Never>] = []

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
            for waiter in waitingForIdle { waiter.resume() }
            waitingForIdle.removeAll()
        }
    }

    /// Waits until nothing runs.
    public func waitUntilIdle() async {
        if running == 0 { return }
        await withCheckedContinuation { waitingForIdle.append($0) }
    }
}
