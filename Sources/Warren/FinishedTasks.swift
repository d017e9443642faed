import Foundation
import Logging
import WarrenPostgres

/// Wakes whoever waits for a task to finish as soon as a worker records it: workers announce the
/// ids of finished tasks on PostgreSQL channel ``channel`` in the transaction that records them,
/// and one listening connection per client hears them.
///
/// Notices only save time: a waiter still reads the task's row itself, at least once a second,
/// so a notice missed (the listening connection was down) costs latency, never correctness.
actor FinishedTasks {
    /// The channel; each payload is up to 200 task ids, comma-separated.
    static let channel = "warren_finished"

    private struct Waiter {
        var task: UUID
        var announced = false
        var continuation: CheckedContinuation<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let databaseURL: String
    private let logger: Logger
    private var waiters: [Int: Waiter] = [:]
    private var tokensByTask: [UUID: Set<Int>] = [:]
    private var nextToken = 0
    private var listening: Task<PostgresConnection?, Never>?
    private var closed = false

    init(databaseURL: String, logger: Logger) {
        self.databaseURL = databaseURL
        self.logger = logger
    }

    /// Starts watching for `task` to be announced. Register before reading the task's row, then
    /// ``wait(_:upTo:)``: a notice that comes in between is not lost.
    func register(_ task: UUID) async -> Int {
        await startListening()
        nextToken += 1
        waiters[nextToken] = Waiter(task: task)
        tokensByTask[task, default: []].insert(nextToken)
        return nextToken
    }

    /// Returns once the registered task is announced, or after `timeout`, and forgets the token.
    func wait(_ token: Int, upTo timeout: Duration) async {
        if waiters[token]?.announced == false {
            await withCheckedContinuation { continuation in
                waiters[token]?.continuation = continuation
                waiters[token]?.timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.wake(token)
                }
            }
        }
        forget(token)
    }

    /// Forgets a token without waiting.
    func forget(_ token: Int) {
        guard let waiter = waiters.removeValue(forKey: token) else { return }
        waiter.timer?.cancel()
        waiter.continuation?.resume()
        tokensByTask[waiter.task]?.remove(token)
        if tokensByTask[waiter.task]?.isEmpty == true { tokensByTask[waiter.task] = nil }
    }

    /// Closes the listening connection and wakes every waiter.
    func close() async {
        closed = true
        for token in Array(waiters.keys) { wake(token) }
        if let connection = await listening?.value { await connection.close() }
        listening = nil
    }

    private func wake(_ token: Int) {
        waiters[token]?.announced = true
        waiters[token]?.timer?.cancel()
        waiters[token]?.continuation?.resume()
        waiters[token]?.continuation = nil
    }

    private func announced(_ payload: String) {
        for id in payload.split(separator: ",") {
            guard let task = UUID(uuidString: String(id)), let tokens = tokensByTask[task] else { continue }
            for token in tokens { wake(token) }
        }
    }

    /// Opens the listening connection unless it is open; waits for it, so that a waiter registered
    /// afterwards hears every later notice. A failure is logged and tried again on the next wait.
    private func startListening() async {
        guard !closed else { return }
        if listening == nil {
            listening = Task { [databaseURL, logger] in
                do {
                    let connection = try await PostgresConnection.connect(uri: databaseURL, name: "warren-listen")
                    try await connection.listen(
                        to: Self.channel,
                        onNotification: { [weak self] payload in Task { await self?.announced(payload) } },
                        onLost: { [weak self] in Task { await self?.lost() } })
                    return connection
                } catch {
                    logger.warning("cannot listen for finished tasks; waiting by polling", metadata: [LoggingKey.error: "\(error)"])
                    return nil
                }
            }
        }
        if await listening?.value == nil { listening = nil }
    }

    private func lost() async {
        if let connection = await listening?.value { await connection.close() }
        listening = nil
    }
}
