import Foundation
import Logging
import WarrenAMQP
import WarrenCore
import WarrenPostgres

/// A request to run a task, as the REST API and the CLI take it.
public struct Submission: Sendable {
    /// The task's registered name.
    public var task: String
    /// Its arguments, which must satisfy the task type's advertised schema.
    public var args: JSONValue
    /// The queue, when not the task type's default.
    public var queue: String?
    /// 0–9; higher runs first within a queue.
    public var priority: Int?
    /// Submitting twice with one key returns the first task instead of creating a second.
    public var idempotencyKey: String?
    /// Seconds to wait before running it (Celery's `countdown`); not with `eta`.
    public var countdown: Double?
    /// When to run it (Celery's `eta`); not with `countdown`.
    public var eta: Date?
    /// Retry policy fields overriding the task type's (`{"max_retries", "backoff", "delay",
    /// "max_delay", "jitter", "on"}`; see ``RetryPolicy``).
    public var retry: JSONValue?
    /// Overrides the policy's `max_retries`.
    public var maxRetries: Int?

    public init(
        task: String, args: JSONValue, queue: String? = nil, priority: Int? = nil, idempotencyKey: String? = nil,
        countdown: Double? = nil, eta: Date? = nil, retry: JSONValue? = nil, maxRetries: Int? = nil
    ) {
        self.task = task
        self.args = args
        self.queue = queue
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.countdown = countdown
        self.eta = eta
        self.retry = retry
        self.maxRetries = maxRetries
    }
}

/// What a submission produced.
public struct SubmissionReceipt: Sendable, Equatable {
    public var id: UUID
    public var task: String
    public var queue: String
    /// QUEUED once the broker confirmed it (SCHEDULED when it has a countdown or ETA); PENDING if
    /// the broker could not be reached (the row is kept, and an ``OutboxRelay`` — `warren api` runs
    /// one — publishes it once the broker is back); or the existing task's state for a repeated key.
    public var state: TaskState
    /// False when an idempotency key matched an existing task.
    public var created: Bool
}

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
    private let pool: PostgresPool
    private let broker: BrokerLink
    private let logger: Logger
    private let catalogCache: CatalogCache
    private let batcher: Batcher<NewTask, SubmissionReceipt>
    private let finishedTasks: FinishedTasks

    /// - Parameters:
    ///   - configuration: the broker and database to use.
    ///   - maximumConnections: database connections for this client.
    /// - Throws: ``AMQPError`` `invalidURL` for a bad `amqpURL`.
    public init(configuration: Configuration, maximumConnections: Int = 4, logger: Logger) throws {
        let endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: maximumConnections)
        let store = TaskStore(pool: pool)
        let broker = BrokerLink(
            endpoint: endpoint, topology: Topology(queueType: configuration.queueType), name: "warren-publish",
            logger: logger)
        self.pool = pool
        self.store = store
        self.broker = broker
        self.logger = logger
        self.catalogCache = CatalogCache(store: store)
        self.finishedTasks = FinishedTasks(databaseURL: configuration.databaseURL, logger: logger)
        // Two batches in flight: one commits while the next fills. More would split the same load
        // into smaller batches, and so into more commits.
        self.batcher = Batcher(maximumBatchSize: Self.maximumBatchSize, maximumConcurrentBatches: 2) {
            tasks in
            await Self.submitBatch(tasks, store: store, broker: broker, logger: logger)
        }
    }

    /// Closes the client's connections.
    public func shutdown() async {
        await finishedTasks.close()
        await broker.close()
        await pool.close()
    }

    /// Validates a submission against the advertised task types and submits it.
    /// - Throws: ``WarrenError`` `unknownTask` or `invalidArguments` (the API's 422s); broker and
    ///   database errors otherwise.
    public func submit(_ submission: Submission) async throws -> SubmissionReceipt {
        guard let type = try await catalogCache.type(named: submission.task) else {
            throw WarrenError(
                .unknownTask,
                "no worker has advertised a task named \(submission.task.prefix(200).debugDescription); start a worker that registers it")
        }
        let problems = type.schema.violations(of: submission.args)
        if !problems.isEmpty {
            throw WarrenError(.invalidArguments, problems.prefix(20).joined(separator: "; "))
        }
        var retry: RetryPolicy?
        if let json = submission.retry { retry = try RetryPolicy(json: json, over: type.retry) }
        if let maxRetries = submission.maxRetries {
            retry = try RetryPolicy(json: ["max_retries": .number(Double(maxRetries))], over: retry ?? type.retry)
        }
        return try await batcher.submit(
            newTask(
                task: submission.task, args: submission.args, queue: submission.queue ?? type.queue,
                priority: submission.priority, idempotencyKey: submission.idempotencyKey,
                due: try Self.due(countdown: submission.countdown, eta: submission.eta), retry: retry))
    }

    /// Submits a task of a type this process knows; its arguments are checked by the compiler.
    /// - Parameters:
    ///   - countdown: how long to wait before running it; not with `eta`.
    ///   - eta: when to run it; not with `countdown`.
    ///   - retry: the retry policy, when not the task type's.
    public func enqueue<Task: TaskDefinition>(
        _ type: Task.Type, _ arguments: Task.Arguments, queue: String? = nil, priority: Int? = nil,
        idempotencyKey: String? = nil, countdown: Duration? = nil, eta: Date? = nil, retry: RetryPolicy? = nil
    ) async throws -> TaskHandle<Task> {
        let receipt = try await batcher.submit(
            newTask(
                task: Task.name, args: try JSONValue(encoding: arguments), queue: queue ?? Task.options.queue,
                priority: priority ?? Task.options.priority, idempotencyKey: idempotencyKey,
                due: try Self.due(countdown: countdown.map { $0.seconds }, eta: eta), retry: retry))
        return TaskHandle(id: receipt.id, client: self)
    }

    /// Submits many tasks of one type as one batch: one INSERT and one confirm window for every
    /// ``maximumBatchSize`` of them (Sidekiq's `push_bulk`, Celery's `chunks`). Returns once every
    /// row is committed and every message confirmed, with the handles in the order of `arguments`.
    /// - Throws: the first error of any part of the batch; tasks of other parts may have been accepted.
    public func enqueue<Task: TaskDefinition>(
        _ type: Task.Type, batch arguments: [Task.Arguments], queue: String? = nil, priority: Int? = nil
    ) async throws -> [TaskHandle<Task>] {
        var handles: [TaskHandle<Task>] = []
        handles.reserveCapacity(arguments.count)
        for start in stride(from: 0, to: arguments.count, by: Self.maximumBatchSize) {
            let tasks = try arguments[start..<min(start + Self.maximumBatchSize, arguments.count)].map {
                try newTask(
                    task: Task.name, args: try JSONValue(encoding: $0), queue: queue ?? Task.options.queue,
                    priority: priority ?? Task.options.priority, idempotencyKey: nil, due: nil, retry: nil)
            }
            let results = await Self.submitBatch(tasks, store: store, broker: broker, logger: logger)
            for result in results { handles.append(TaskHandle(id: try result.get().id, client: self)) }
        }
        return handles
    }

    /// Revokes a task: one that is waiting (PENDING, SCHEDULED, QUEUED, RETRY) is never started;
    /// with `terminate`, one that is running is cancelled too (its worker cancels its `Task` within
    /// about a second, and records nothing). Revoking a revoked task again is harmless.
    /// - Returns: the task's row, now REVOKED.
    /// - Throws: ``WarrenError`` `notFound` for an unknown id; `conflict` for a task that has
    ///   finished, or is running and `terminate` is false.
    public func revoke(_ id: UUID, terminate: Bool = false) async throws -> TaskRecord {
        guard let state = try await store.revoke(id, terminate: terminate) else {
            throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())")
        }
        switch state {
        case .revoked:
            break
        case .started:
            throw WarrenError(.conflict, "the task is running; revoke it with terminate to cancel it")
        default:
            throw WarrenError(.conflict, "the task has finished (\(state.rawValue)); there is nothing to revoke")
        }
        guard let record = try await store.task(id) else {
            throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())")
        }
        return record
    }

    /// The task's row, or nil for an unknown id.
    public func status(of id: UUID) async throws -> TaskRecord? {
        try await store.task(id)
    }

    /// The task's row once it is finished (SUCCESS, FAILURE or REVOKED), or as it is when `timeout`
    /// passes first; nil for an unknown id. It is read again the moment the task is announced
    /// finished (see ``FinishedTasks``), and at least once a second; more often while
    /// announcements cannot be heard.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func status(of id: UUID, waitingUpTo timeout: Duration) async throws -> TaskRecord? {
        guard timeout > .zero else { return try await store.task(id) }
        let deadline = ContinuousClock.now + timeout
        var unheardInterval = Duration.milliseconds(2)
        while true {
            let (token, live) = await finishedTasks.register(id)
            let record: TaskRecord?
            do {
                try Task.checkCancellation()
                record = try await store.task(id)
            } catch {
                await finishedTasks.forget(token)
                throw error
            }
            let left = deadline - .now
            guard let record, !record.state.isTerminal, left > .zero else {
                await finishedTasks.forget(token)
                return record
            }
            await finishedTasks.wait(token, upTo: min(left, live ? .seconds(1) : unheardInterval))
            if !live { unheardInterval = min(unheardInterval * 2, .milliseconds(200)) }
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

    /// Publishes up to `limit` tasks of the outbox that are due, in one transaction that commits
    /// once the broker confirmed them: PENDING tasks (the broker was down when they came), and
    /// delayed tasks still not started well after their due time. Several relays may run; each
    /// entry is taken by one. ``OutboxRelay`` calls this every second.
    /// - Returns: how many tasks it published.
    /// - Throws: the broker's or the database's error; the entries stay for the next try.
    public func relayDueTasks(limit: Int = 500) async throws -> Int {
        try await store.pool.transaction { [store, broker] connection in
            let due = try await store.dueOutboxTasks(limit: limit, on: connection)
            if due.isEmpty { return 0 }
            let tasks = due.map {
                NewTask(
                    id: $0.id, task: $0.task, queue: $0.queue, args: $0.args, priority: $0.priority, idempotencyKey: nil,
                    createdAt: $0.createdAt, eta: $0.eta, retry: $0.retryPolicy)
            }
            try await broker.publish(try tasks.map(Self.message), toQueues: Set(tasks.map(\.queue)))
            try await store.relayed(tasks.map(\.id), on: connection)
            return tasks.count
        }
    }

    /// Whether the broker and the database answer now (for readiness checks).
    public func reachability() async -> (broker: Bool, database: Bool) {
        async let broker = broker.isReachable()
        async let database = (try? await pool.query("SELECT 1")) != nil
        return (await broker, await database)
    }

    /// The most tasks one INSERT and one confirm window carry.
    public static let maximumBatchSize = 500

    /// When a task with this countdown or ETA is due, or nil to run it now.
    private static func due(countdown: Double?, eta: Date?) throws -> Date? {
        switch (countdown, eta) {
        case (nil, nil):
            return nil
        case (let countdown?, nil):
            guard countdown >= 0, countdown <= Double(DelayRoute.maximumSeconds) else {
                throw WarrenError(.invalidArguments, "countdown must be from 0 to \(DelayRoute.maximumSeconds) seconds")
            }
            return countdown == 0 ? nil : Date().addingTimeInterval(countdown)
        case (nil, let eta?):
            _ = try DelayRoute.seconds(until: eta.timeIntervalSince1970, now: Date().timeIntervalSince1970)
            return eta
        case (_?, _?):
            throw WarrenError(.invalidArguments, "give countdown or eta, not both")
        }
    }

    /// A task to insert, after checking the options a submission may get wrong.
    private func newTask(
        task: String, args: JSONValue, queue: String, priority: Int?, idempotencyKey: String?, due: Date?,
        retry: RetryPolicy?
    ) throws -> NewTask {
        try Topology.validate(queue: queue)
        let priority = priority ?? 0
        guard (0...Topology.maximumPriority).contains(priority) else {
            throw WarrenError(.invalidArguments, "priority must be from 0 to \(Topology.maximumPriority)")
        }
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.utf8.count > 200 {
            throw WarrenError(.invalidArguments, "an idempotency key is 1 to 200 bytes")
        }
        // Refused here, not by the INSERT: a failed INSERT fails every submission of its batch,
        // after the others' messages were published.
        if args.containsNUL || idempotencyKey?.containsNUL == true {
            throw WarrenError(.invalidArguments, "arguments and idempotency keys cannot hold U+0000 (PostgreSQL cannot store it)")
        }
        return NewTask(
            id: UUID(), task: task, queue: queue, args: args, priority: priority, idempotencyKey: idempotencyKey,
            createdAt: Date(), eta: due, retry: retry)
    }

    /// Inserts the batch as QUEUED (or SCHEDULED) and publishes the new tasks, in one transaction
    /// that commits once the broker has confirmed them: a task is never visible as QUEUED unless
    /// its message is in the broker, and each row is written once. If a publish fails, the rows
    /// are committed as PENDING instead (accepted, not yet published), for the relay.
    ///
    /// A task without an idempotency key has a fresh id, so its message goes out while its row is
    /// being inserted: one confirm window and one INSERT at the same time, not one after the other.
    /// A worker that receives the message first starts it after the INSERT commits (the row's key
    /// is taken by this transaction), or, when its start reached the database before the INSERT,
    /// creates the row itself as for a foreign producer's message, and the INSERT leaves it alone.
    /// A task with a key is published only once the INSERT says the key is new.
    private static func submitBatch(
        _ tasks: [NewTask], store: TaskStore, broker: BrokerLink, logger: Logger
    ) async -> [Result<SubmissionReceipt, any Error>] {
        let unkeyed = tasks.filter { $0.idempotencyKey == nil }
        do {
            return try await store.pool.transaction { connection in
                async let unkeyedPublished = publish(unkeyed, broker: broker, logger: logger)
                let inserted: Set<UUID>
                do {
                    inserted = try await store.insert(tasks, on: connection)
                } catch {
                    if await unkeyedPublished, !unkeyed.isEmpty {
                        logger.warning(
                            "the INSERT failed after the tasks were published; workers will create their rows",
                            metadata: [LoggingKey.error: "\(error)"])
                    }
                    throw error
                }
                let keyedFresh = tasks.filter { $0.idempotencyKey != nil && inserted.contains($0.id) }
                let repeatedKeys = tasks.filter { !inserted.contains($0.id) }.compactMap(\.idempotencyKey)
                let existing = repeatedKeys.isEmpty ? [:] : try await store.tasks(withIdempotencyKeys: repeatedKeys, on: connection)
                let keyedWasPublished = await publish(keyedFresh, broker: broker, logger: logger)
                let unkeyedWasPublished = await unkeyedPublished
                let unpublished = tasks.filter { task in
                    let published = task.idempotencyKey == nil ? unkeyedWasPublished : keyedWasPublished
                    return inserted.contains(task.id) && !published
                }
                if !unpublished.isEmpty {
                    try await store.revertToPending(unpublished.map(\.id), on: connection)
                }
                let pending = Set(unpublished.map(\.id))
                return tasks.map { task in
                    // An unkeyed task that was not inserted had its row created by the worker that took its message.
                    if task.idempotencyKey == nil || inserted.contains(task.id) {
                        return .success(
                            SubmissionReceipt(
                                id: task.id, task: task.task, queue: task.queue,
                                state: pending.contains(task.id) ? .pending : task.publishedState, created: true))
                    }
                    guard let key = task.idempotencyKey, let record = existing[key] else {
                        return .failure(WarrenError(.invalidArguments, "the task could not be inserted"))
                    }
                    return .success(
                        SubmissionReceipt(
                            id: record.id, task: record.task, queue: record.queue, state: record.state, created: false))
                }
            }
        } catch {
            return tasks.map { _ in .failure(error) }
        }
    }

    /// Publishes the tasks' messages as one confirm window; false, after logging why, if the
    /// broker did not confirm them all.
    private static func publish(_ tasks: [NewTask], broker: BrokerLink, logger: Logger) async -> Bool {
        guard !tasks.isEmpty else { return true }
        do {
            try await broker.publish(try tasks.map(Self.message), toQueues: Set(tasks.map(\.queue)))
            return true
        } catch {
            logger.warning("publish failed; tasks stay PENDING", metadata: [LoggingKey.error: "\(error)"])
            return false
        }
    }

    /// The task's message: to its queue, or into the delay queues when it is due later.
    static func message(_ task: NewTask) throws -> AMQPOutgoingMessage {
        let envelope = TaskEnvelope(
            id: task.id, task: task.task, queue: task.queue, args: task.args, createdAt: task.createdAt, eta: task.eta,
            retry: task.retry)
        var message = AMQPOutgoingMessage(
            exchange: Topology.taskExchange, routingKey: task.queue,
            properties: AMQPProperties(
                contentType: "application/json", contentEncoding: "utf-8",
                headers: ["warren-version": .int(Int64(TaskEnvelope.version))], persistent: true,
                priority: UInt8(task.priority), messageID: task.id.uuidString.lowercased(),
                timestamp: UInt64(task.createdAt.timeIntervalSince1970), type: task.task, appID: "warren"),
            body: envelope.encoded())
        if let eta = task.eta,
            let seconds = try DelayRoute.seconds(until: eta.timeIntervalSince1970, now: Date().timeIntervalSince1970)
        {
            let route = try DelayRoute(seconds: seconds, queue: task.queue)
            message.exchange = DelayRoute.entryExchange
            message.routingKey = route.routingKey
        }
        return message
    }
}

/// A submitted task of a known type, whose result can be awaited.
public struct TaskHandle<Task: TaskDefinition>: Sendable {
    /// The task's id.
    public let id: UUID
    let client: WarrenClient

    /// Waits for the task to finish and returns its result.
    /// - Throws: the recorded ``TaskError`` if it failed (type `Revoked` if it was revoked);
    ///   ``WarrenError`` `timeout` if it did not finish in time.
    public func result(timeout: Duration = .seconds(60)) async throws -> Task.Result {
        let record = try await client.waitForCompletion(of: id, timeout: timeout)
        if record.state == .success {
            return try (record.result ?? .null).decode(as: Task.Result.self)
        }
        if record.state == .revoked {
            throw TaskError(type: "Revoked", message: "the task was revoked", reason: "revoked")
        }
        throw (try? record.error?.decode(as: TaskError.self))
            ?? TaskError(type: "Unknown", message: "the task failed without an error")
    }
}

/// The advertised task types, re-read at most once a second.
private actor CatalogCache {
    private let store: TaskStore
    private var types: [String: AdvertisedTaskType] = [:]
    private var readAt: ContinuousClock.Instant?

    init(store: TaskStore) {
        self.store = store
    }

    func type(named name: String) async throws -> AdvertisedTaskType? {
        let age = readAt.map { ContinuousClock.now - $0 } ?? .seconds(3600)
        // An unknown name re-reads soon: a worker may have just advertised it.
        if age > .seconds(1) || (types[name] == nil && age > .milliseconds(100)) {
            types = try await store.catalog()
            readAt = .now
        }
        return types[name]
    }
}
