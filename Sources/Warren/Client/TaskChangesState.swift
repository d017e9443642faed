import Foundation

/// The decisions behind ``TaskChanges``: who waits for which task, which waiters a notice
/// wakes, and whether the listening connection is up, being opened, or to be opened again. Events
/// go in and what to do comes out; the actor holds the connection, the continuations and the timers.
struct TaskChangesState {
    /// A waiter's handle.
    typealias Token = Int
    /// One attempt at opening the listening connection.
    typealias Attempt = Int

    enum Listening: Equatable {
        case idle
        case connecting(Attempt)
        case live(Attempt)
        case failed(at: ContinuousClock.Instant)
    }

    /// What ``register(_:now:)`` says.
    struct Registration: Equatable {
        var token: Token
        /// Notices are heard now: the waiter may wait long between reads of its row.
        var live: Bool
        /// Open the listening connection, as this attempt.
        var startListening: Attempt?
    }

    /// How long after a failure the listening connection is not tried again.
    static let retryAfter = Duration.seconds(5)

    private(set) var listening = Listening.idle
    private(set) var closed = false
    private var taskOfToken: [Token: UUID] = [:]
    private var tokensOfTask: [UUID: Set<Token>] = [:]
    private var lastToken: Token = 0
    private var lastAttempt: Attempt = 0

    /// A waiter starts watching for `task`.
    mutating func register(_ task: UUID, now: ContinuousClock.Instant) -> Registration {
        lastToken += 1
        taskOfToken[lastToken] = task
        tokensOfTask[task, default: []].insert(lastToken)
        let start = startListening(now: now)
        if case .live = listening { return Registration(token: lastToken, live: true, startListening: start) }
        return Registration(token: lastToken, live: false, startListening: start)
    }

    /// A waiter stops watching.
    mutating func forget(_ token: Token) {
        guard let task = taskOfToken.removeValue(forKey: token) else { return }
        tokensOfTask[task]?.remove(token)
        if tokensOfTask[task]?.isEmpty == true { tokensOfTask[task] = nil }
    }

    /// The waiters a notice wakes: those of every task id in the payload (comma-separated).
    func waiters(announcedIn payload: String) -> [Token] {
        payload.split(separator: ",").flatMap { id in
            UUID(uuidString: String(id)).flatMap { tokensOfTask[$0] }.map { Array($0) } ?? []
        }
    }

    /// Every waiter, as they are all woken when the client closes.
    var allWaiters: [Token] { Array(taskOfToken.keys) }

    /// The client closes: nothing is listened to again.
    mutating func close() {
        closed = true
        listening = .idle
    }

    /// Attempt `attempt` is listening, on a connection that is still `usable` or not. Returns
    /// whether to keep that connection (otherwise close it): not once the client closed, nor when
    /// it broke while LISTEN was being set up.
    mutating func listened(_ attempt: Attempt, usable: Bool, now: ContinuousClock.Instant) -> Bool {
        guard !closed, listening == .connecting(attempt) else { return false }
        listening = usable ? .live(attempt) : .failed(at: now)
        return usable
    }

    /// Attempt `attempt` could not open its connection or listen on it.
    mutating func failed(_ attempt: Attempt, now: ContinuousClock.Instant) {
        if listening == .connecting(attempt) { listening = .failed(at: now) }
    }

    /// The connection of attempt `attempt` was lost.
    mutating func lost(_ attempt: Attempt, now: ContinuousClock.Instant) {
        if listening == .live(attempt) || listening == .connecting(attempt) { listening = .failed(at: now) }
    }

    /// A new attempt to open the listening connection, unless it is open or opening, the client
    /// closed, or the last one failed less than ``retryAfter`` ago.
    private mutating func startListening(now: ContinuousClock.Instant) -> Attempt? {
        switch listening {
        case .live, .connecting: return nil
        case .failed(let at) where now - at < Self.retryAfter: return nil
        case .idle, .failed: break
        }
        guard !closed else { return nil }
        lastAttempt += 1
        listening = .connecting(lastAttempt)
        return lastAttempt
    }
}
