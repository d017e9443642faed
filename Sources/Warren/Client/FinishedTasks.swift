import Foundation
import Logging
import WarrenPostgres

/// Wakes whoever waits for a task to finish as soon as it is recorded: the statements that finish
/// tasks (a worker's outcomes, dead letters, revokes) announce their ids on PostgreSQL channel
/// ``channel`` when they commit, and one listening connection per client hears them.
///
/// Notices only save time: a waiter still reads the task's row itself, at least once a second
/// while the listening connection is up and more often while it is not, so a notice missed costs
/// latency, never correctness.
actor FinishedTasks {
    /// The channel; each payload is up to 200 task ids, comma-separated.
    static let channel = "warren_finished"

    private struct Waiter {
        var task: UUID
        var woken = false
        var continuation: CheckedContinuation<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private enum Listening {
        case idle
        case connecting
        case live(PostgresConnection)
        case failed(at: ContinuousClock.Instant)
    }

    private let databaseURL: String
    private let logger: Logger
    private var waiters: [Int: Waiter] = [:]
    private var tokensByTask: [UUID: Set<Int>] = [:]
    private var nextToken = 0
    private var listening = Listening.idle
    private var closed = false

    init(databaseURL: String, logger: Logger) {
        self.databaseURL = databaseURL
        self.logger = logger
    }

    /// Starts watching for `task` to be announced, and says whether notices are being heard (if
    /// not, they are being set up in the background). Register before reading the task's row,
    /// then ``wait(_:upTo:)``: a notice that comes in between is not lost.
    func register(_ task: UUID) -> (token: Int, live: Bool) {
        startListening()
        nextToken += 1
        waiters[nextToken] = Waiter(task: task)
        tokensByTask[task, default: []].insert(nextToken)
        if case .live = listening { return (nextToken, true) }
        return (nextToken, false)
    }

    /// Returns once the registered task is announced, after `timeout`, or when the waiting task is
    /// cancelled, and forgets the token.
    func wait(_ token: Int, upTo timeout: Duration) async {
        if waiters[token]?.woken == false {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    waiters[token]?.continuation = continuation
                    waiters[token]?.timer = Task { [weak self] in
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        await self?.wake(token)
                    }
                }
            } onCancel: {
                Task { await self.wake(token) }
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
        if case .live(let connection) = listening { await connection.close() }
        listening = .idle
    }

    private func wake(_ token: Int) {
        waiters[token]?.woken = true
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

    /// Opens the listening connection in the background unless it is open or opening; after a
    /// failure, not again for 5 s.
    private func startListening() {
        switch listening {
        case .live, .connecting: return
        case .failed(let at) where ContinuousClock.now - at < .seconds(5): return
        case .idle, .failed: break
        }
        guard !closed else { return }
        listening = .connecting
        Task { [databaseURL, logger] in
            var connection: PostgresConnection?
            do {
                let opened = try await PostgresConnection.connect(uri: databaseURL, name: "warren-listen")
                connection = opened
                try await opened.listen(
                    to: Self.channel,
                    onNotification: { [weak self] payload in Task { await self?.announced(payload) } },
                    onLost: { [weak self] in Task { await self?.lost(opened) } })
                await self.listened(on: opened)
            } catch {
                logger.warning(
                    "cannot listen for finished tasks; waiters read their rows more often",
                    metadata: [LoggingKey.error: "\(error)"])
                await connection?.close()
                self.listening = .failed(at: .now)
            }
        }
    }

    private func listened(on connection: PostgresConnection) async {
        if closed {
            await connection.close()
            return
        }
        // Lost while LISTEN was being set up: its `lost` found it not yet live.
        guard connection.isUsable else {
            listening = .failed(at: .now)
            return
        }
        listening = .live(connection)
    }

    private func lost(_ connection: PostgresConnection) async {
        if case .live(let current) = listening, current === connection { listening = .failed(at: .now) }
        await connection.close()
    }
}
