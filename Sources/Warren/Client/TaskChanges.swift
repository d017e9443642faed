import Foundation
import Logging
import WarrenPostgres

/// Wakes whoever waits on a task as soon as it changes: the statements that change running tasks
/// (a worker's starts, outcomes, dead letters and progress reports, revokes) announce their ids
/// on PostgreSQL channel ``channel`` when they commit, and one listening connection per client
/// hears them.
///
/// Notices only save time: a waiter still reads the task's row itself, at least once a second
/// while the listening connection is up and more often while it is not, so a notice missed costs
/// latency, never correctness.
actor TaskChanges {
    /// The channel; each payload is up to 200 task ids, comma-separated.
    static let channel = "warren_task_changes"

    /// A statement's query that announces the tasks whose ids are in column `id` of `relation`
    /// (a CTE), 200 ids a notice: a payload holds at most 8000 bytes. A plain CTE runs only when
    /// read, so the statement must read this one.
    static func announcing(_ relation: String) -> String {
        """
        SELECT pg_notify('\(channel)', string_agg(id::text, ',')) FROM (
            SELECT id, (row_number() OVER () - 1) / 200 AS chunk FROM \(relation)
        ) AS changed GROUP BY chunk
        """
    }

    private struct Waiter {
        var woken = false
        var continuation: CheckedContinuation<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let databaseURL: String
    private let logger: Logger
    private var state = TaskChangesState()
    private var waiters: [TaskChangesState.Token: Waiter] = [:]
    private var connection: PostgresConnection?

    init(databaseURL: String, logger: Logger) {
        self.databaseURL = databaseURL
        self.logger = logger
    }

    /// Starts watching for `task` to be announced, and says whether notices are being heard (if
    /// not, they are being set up in the background). Register before reading the task's row,
    /// then ``wait(_:upTo:)``: a notice that comes in between is not lost.
    func register(_ task: UUID) -> (token: Int, live: Bool) {
        let registration = state.register(task, now: .now)
        waiters[registration.token] = Waiter()
        if let attempt = registration.startListening { listen(attempt) }
        return (registration.token, registration.live)
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
        state.forget(token)
        guard let waiter = waiters.removeValue(forKey: token) else { return }
        waiter.timer?.cancel()
        waiter.continuation?.resume()
    }

    /// Closes the listening connection and wakes every waiter.
    func close() async {
        state.close()
        for token in state.allWaiters { wake(token) }
        await connection?.close()
        connection = nil
    }

    private func wake(_ token: Int) {
        waiters[token]?.woken = true
        waiters[token]?.timer?.cancel()
        waiters[token]?.continuation?.resume()
        waiters[token]?.continuation = nil
    }

    private func announced(_ payload: String) {
        for token in state.waiters(announcedIn: payload) { wake(token) }
    }

    /// Opens the listening connection in the background, as `attempt`.
    private func listen(_ attempt: TaskChangesState.Attempt) {
        Task { [databaseURL, logger] in
            var opened: PostgresConnection?
            do {
                let connection = try await PostgresConnection.connect(uri: databaseURL, name: "warren-listen")
                opened = connection
                try await connection.listen(
                    to: Self.channel,
                    onNotification: { [weak self] payload in Task { await self?.announced(payload) } },
                    onLost: { [weak self] in Task { await self?.lost(attempt, connection) } })
                await self.listened(attempt, on: connection)
            } catch {
                logger.warning(
                    "cannot listen for task changes; waiters read their rows more often",
                    metadata: [LoggingKey.error: "\(error)"])
                await opened?.close()
                self.failed(attempt)
            }
        }
    }

    private func listened(_ attempt: TaskChangesState.Attempt, on connection: PostgresConnection) async {
        if state.listened(attempt, usable: connection.isUsable, now: .now) {
            self.connection = connection
        } else {
            await connection.close()
        }
    }

    private func failed(_ attempt: TaskChangesState.Attempt) {
        state.failed(attempt, now: .now)
    }

    private func lost(_ attempt: TaskChangesState.Attempt, _ connection: PostgresConnection) async {
        state.lost(attempt, now: .now)
        if self.connection === connection { self.connection = nil }
        await connection.close()
    }
}
