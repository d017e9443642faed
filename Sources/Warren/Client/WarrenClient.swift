public import Foundation
public import Logging
import WarrenAMQP
public import WarrenCore
import WarrenPosix
import WarrenPostgres

/// Submits tasks and reads their state: the API, the CLI and Swift producers all use it.
///
/// Concurrent submissions are group-committed: one INSERT for many rows while their publishes
/// are confirmed as one window, one COMMIT once the broker confirmed them. A submission returns
/// once both have happened. If the transaction fails after the publish, the caller gets the error
/// although the message is in the broker: the worker that takes it creates the row from
/// the message and runs the task (at-least-once; an idempotency key makes a retried submission
/// safe).
public final class WarrenClient: Sendable {
    let store: TaskStore
    let pool: PostgresPool
    let endpoint: AMQPEndpoint
    let broker: BrokerLink
    /// Reads queues' depths (``BrokerLink/inspect(_:)``) on a connection of its own, opened on first
    /// use: the broker closes the connection that asks about a queue that does not exist.
    let inspector: BrokerLink
    let management: ManagementAPI
    let logger: Logger
    let catalogCache: CatalogCache
    let batcher: Batcher<NewTask, SubmissionReceipt>
    /// The most bytes a task's arguments may take as JSON (`WARREN_MAX_BODY_BYTES`): with what a
    /// message adds, the workers' limit (``Configuration/maximumMessageBytes``).
    let maximumArgumentBytes: Int
    /// `WARREN_MAX_WAITING`, checked against ``depths``.
    let limits: QueueLimits
    let depths: QueueDepths
    private let taskChanges: TaskChanges
    /// How often a waiter reads its task's row while notices are heard.
    private let heardRereadInterval: Duration
    /// Reads for requests that wait on a task, on connections of their own: however many wait,
    /// submissions never queue behind them for a connection.
    private let waitingStore: TaskStore

    /// - Parameters:
    ///   - configuration: the broker and database to use.
    ///   - maximumConnections: database connections for submissions and reads; the client also
    ///     opens two for requests that wait on a task and one that listens for finished tasks.
    /// - Throws: ``WarrenError`` `invalidConfiguration` for a bad `amqpURL` or `rabbitmqAPIURL`.
    public convenience init(configuration: Configuration, maximumConnections: Int = 4, logger: Logger) throws {
        try self.init(
            configuration: configuration, maximumConnections: maximumConnections, logger: logger,
            heardRereadInterval: .seconds(1))
    }

    /// - Parameter heardRereadInterval: how often a waiter reads its task's row while notices are
    ///   heard (``TaskChanges``); a test makes it long to tell a notice's wake-up from a read.
    init(
        configuration: Configuration, maximumConnections: Int, logger: Logger, heardRereadInterval: Duration
    ) throws {
        self.heardRereadInterval = heardRereadInterval
        let endpoint: AMQPEndpoint
        do {
            endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        } catch {
            throw WarrenError(.invalidConfiguration, "WARREN_AMQP_URL: \(error)")
        }
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: maximumConnections)
        let store = TaskStore(pool: pool)
        let broker = BrokerLink(
            endpoint: endpoint, topology: Topology(queueType: configuration.queueType), name: "warren-publish",
            logger: logger)
        self.maximumArgumentBytes = configuration.maximumBodyBytes
        self.endpoint = endpoint
        self.pool = pool
        self.store = store
        self.broker = broker
        let inspector = BrokerLink(
            endpoint: endpoint, topology: Topology(queueType: configuration.queueType), name: "warren-inspect",
            logger: logger)
        self.inspector = inspector
        self.limits = configuration.maximumWaiting
        self.depths = QueueDepths { queue in try await inspector.inspect(queue)?.messageCount ?? 0 }
        self.management = try ManagementAPI(url: configuration.rabbitmqAPIURL, endpoint: endpoint)
        self.logger = logger
        self.catalogCache = CatalogCache(store: store)
        self.taskChanges = TaskChanges(databaseURL: configuration.databaseURL, logger: logger)
        self.waitingStore = TaskStore(pool: PostgresPool(uri: configuration.databaseURL, maximumConnections: 2))
        // Two batches in flight: one commits while the next fills. More would split the same load
        // into smaller batches, and so into more commits.
        self.batcher = Batcher(maximumBatchSize: Self.maximumBatchSize, maximumConcurrentBatches: 2) {
            tasks in
            await Self.submitBatch(tasks, store: store, broker: broker, logger: logger)
        }
    }

    /// Makes a client, runs `body` with it, and shuts it down, whether `body` returns or throws.
    public static func withClient<Result: Sendable>(
        configuration: Configuration, maximumConnections: Int = 4, logger: Logger,
        _ body: (WarrenClient) async throws -> Result
    ) async throws -> Result {
        let client = try WarrenClient(
            configuration: configuration, maximumConnections: maximumConnections, logger: logger)
        return try await closing(client.shutdown) { try await body(client) }
    }

    /// Closes the client's connections.
    public func shutdown() async {
        await taskChanges.close()
        await broker.close()
        await inspector.close()
        await pool.close()
        await waitingStore.pool.close()
    }

    /// The task's row, or nil for an unknown id.
    public func status(of id: UUID) async throws -> TaskRecord? {
        try await reportingServers {
            try await store.task(id)
        }
    }

    /// The task's row once it is finished (SUCCESS, FAILURE or REVOKED), with `orProgress` as soon
    /// as it reports progress too, or as it is when `timeout` passes first; nil for an unknown id.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func status(
        of id: UUID, waitingUpTo timeout: Duration, orProgress: Bool = false
    ) async throws -> TaskRecord? {
        var first: TaskRecord?
        return try await watch(id, upTo: timeout) { record in
            guard let seen = first else {
                first = record
                return record.state.isTerminal
            }
            return record.state.isTerminal || (orProgress && record.progress != seen.progress)
        }
    }

    /// The task's row each time its state or progress changes, the first as it is now, until it is
    /// finished (or its row is deleted); nil between them whenever `quietAfter` passes with no
    /// change (`GET /v1/tasks/{id}/stream` sends a keep-alive then). Dropping the stream stops the
    /// watching.
    /// - Throws: ``WarrenError`` `notFound` for an unknown id.
    public func changes(of id: UUID, quietAfter: Duration = .seconds(15)) async throws -> AsyncThrowingStream<
        TaskRecord?, any Error
    > {
        guard let current = try await status(of: id) else {
            throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TaskRecord?.self)
        func changed(_ record: TaskRecord, since last: TaskRecord) -> Bool {
            record.state != last.state || record.progress != last.progress
        }
        let watching = Task {
            var last = current
            continuation.yield(last)
            do {
                while !last.state.isTerminal {
                    guard let record = try await watch(id, upTo: quietAfter, until: { changed($0, since: last) })
                    else { break }
                    guard changed(record, since: last) else {
                        continuation.yield(nil)
                        continue
                    }
                    last = record
                    continuation.yield(last)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in watching.cancel() }
        return stream
    }

    /// Reads the task's row until `done` holds for it or `timeout` passes, and returns it as last
    /// read; nil for an unknown id. It is read again the moment the task is announced changed (see
    /// ``TaskChanges``), and at least once a second; more often while announcements cannot be
    /// heard.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    private func watch(
        _ id: UUID, upTo timeout: Duration, until done: (TaskRecord) -> Bool
    ) async throws -> TaskRecord? {
        try await reportingServers {
            guard timeout > .zero else { return try await store.task(id) }
            let deadline = ContinuousClock.now + timeout
            var unheardInterval = Duration.milliseconds(2)
            while true {
                let (token, live) = await taskChanges.register(id)
                let record: TaskRecord?
                do {
                    try Task.checkCancellation()
                    record = try await waitingStore.task(id)
                } catch {
                    await taskChanges.forget(token)
                    throw error
                }
                let left = deadline - .now
                guard let record, !done(record), left > .zero else {
                    await taskChanges.forget(token)
                    return record
                }
                await taskChanges.wait(token, upTo: min(left, live ? heardRereadInterval : unheardInterval))
                if !live { unheardInterval = min(unheardInterval * 2, .milliseconds(200)) }
            }
        }
    }

    /// Waits until the task is finished (SUCCESS, FAILURE or REVOKED) and returns its row.
    /// - Throws: ``WarrenError`` `notFound` for an unknown id, `timeout` when `timeout` passes first.
    public func waitForCompletion(of id: UUID, timeout: Duration) async throws -> TaskRecord {
        guard let record = try await status(of: id, waitingUpTo: timeout) else {
            throw WarrenError(.notFound, "no task has the id \(id)")
        }
        guard record.state.isTerminal else {
            throw WarrenError(.timeout, "task \(id) is still \(record.state.rawValue) after \(timeout)")
        }
        return record
    }

    /// Whether the broker and the database answer now (for readiness checks).
    public func reachability() async -> (broker: Bool, database: Bool) {
        async let broker = broker.isReachable()
        async let database = (try? await pool.query("SELECT 1")) != nil
        return (await broker, await database)
    }

    /// The most tasks one INSERT and one confirm window carry.
    public static let maximumBatchSize = 500
}
