import Foundation
public import Logging
public import WarrenCore
import WarrenPostgres

/// Deletes what a ``RetentionPolicy`` no longer keeps: finished tasks with their events, dead
/// letters and result expiries, dead letters that have no task, and expired results. It works in
/// batches of ``batchSize`` tasks, each one short statement, so no lock is held for long, and one
/// process at a time (a PostgreSQL advisory lock). The leading ``Beat`` runs a pass each time the
/// built-in schedule ``Schedule/retention`` fires; `warren history purge` runs a pass by hand.
public struct HistoryRetention: Sendable {
    /// What a pass has done.
    public struct Totals: Sendable, Equatable {
        /// Tasks read by the walk.
        public var walked = 0
        public var tasks = 0
        public var events = 0
        public var deadLetters = 0
        /// Results cleared for having expired.
        public var results = 0

        public init() {}

        var deletedAnything: Bool { tasks + deadLetters + results > 0 }
    }

    private let databaseURL: String
    private let policy: RetentionPolicy
    let batchSize: Int
    private let logger: Logger
    /// Any fixed number: the lock only has to be the same for every Warren process.
    private static let lockKey = 7_361_202_602

    public init(databaseURL: String, policy: RetentionPolicy, batchSize: Int = 1000, logger: Logger) {
        self.databaseURL = databaseURL
        self.policy = policy
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Runs a whole pass, from the oldest task, once no other process is running one (it waits
    /// for that); `progress` hears the totals after every batch.
    public func purge(progress: @Sendable (Totals) -> Void = { _ in }) async throws -> Totals {
        try await PostgresConnection.withConnection(uri: databaseURL, name: "warren-retention") { connection in
            var waiting = false
            while try await !Self.tryLock(connection) {
                if !waiting { logger.notice("another process is applying retention; waiting for it to finish") }
                waiting = true
                try await Task.sleep(for: .seconds(1))
            }
            // Closing the connection releases the lock.
            var position: RetentionPosition? = nil
            return try await pass(from: &position, on: connection, progress: progress)
        }
    }

    /// Runs a pass from `position` (nil: the oldest task) and returns where its walk ended; when
    /// another process holds the lock, runs none and returns `position` at once.
    func passIfFree(from position: RetentionPosition?) async throws -> RetentionPosition? {
        try await PostgresConnection.withConnection(uri: databaseURL, name: "warren-retention") { connection in
            guard try await Self.tryLock(connection) else { return position }
            var walk = position
            _ = try await pass(from: &walk, on: connection, progress: { _ in })
            return walk
        }
    }

    private func pass(
        from position: inout RetentionPosition?, on connection: PostgresConnection, progress: (Totals) -> Void
    ) async throws -> Totals {
        let now = Date()
        let cutoffs = RetentionCutoffs(policy, now: now)
        var totals = Totals()
        var lastLog = ContinuousClock.now
        func logProgress(_ message: Logger.Message) {
            logger.info(
                message,
                metadata: [
                    LoggingKey.deletedTasks: "\(totals.tasks)", LoggingKey.deletedEvents: "\(totals.events)",
                    LoggingKey.deletedDeadLetters: "\(totals.deadLetters)",
                    LoggingKey.expiredResults: "\(totals.results)",
                    LoggingKey.walkedTo: "\(position.map(\.createdAt).map(ISO8601Timestamp.format) ?? "-")",
                ])
            lastLog = .now
        }
        var expired = batchSize
        while expired == batchSize {
            try Task.checkCancellation()
            expired = try await TaskStore.expireResults(limit: batchSize, on: connection)
            totals.results += expired
            progress(totals)
        }
        while true {
            try Task.checkCancellation()
            let batch = try await TaskStore.deleteExpiredTasks(
                after: position, cutoffs: cutoffs, limit: batchSize, on: connection)
            totals.walked += batch.walked
            totals.tasks += batch.tasks
            totals.events += batch.events
            totals.deadLetters += batch.deadLetters
            position = batch.last ?? position
            progress(totals)
            if batch.walked < batchSize { break }
            if ContinuousClock.now - lastLog > .seconds(10) { logProgress("applying retention") }
        }
        if let failure = cutoffs.failure {
            var deleted = batchSize
            while deleted == batchSize {
                try Task.checkCancellation()
                deleted = try await TaskStore.deleteExpiredTasklessDeadLetters(
                    before: Date(timeIntervalSince1970: failure), limit: batchSize, on: connection)
                totals.deadLetters += deleted
                progress(totals)
            }
        }
        if totals.deletedAnything { logProgress("applied retention") }
        return totals
    }

    private static func tryLock(_ connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_lock(\(lockKey)) AS locked").first!.decode("locked")
    }
}
