import CoreMetrics
public import Foundation
import Logging
import Tracing
import WarrenAMQP
public import WarrenCore
import WarrenPostgres

extension WarrenClient {
    /// Validates a submission against the advertised task types (see ``submit(batch:)``) and submits it.
    /// - Throws: ``WarrenError`` `unknownTask`, `unknownQueue` or `invalidArguments` (the API's
    ///   422s); broker and database errors otherwise.
    public func submit(_ submission: Submission) async throws -> SubmissionReceipt {
        try await TaskSpans.within(TaskSpans.submit) { span in
            try await reportingServers {
                let task = try await validated(submission)
                TaskSpans.describe(span, id: task.id, task: task.task, queue: task.queue)
                if let answer = try await turnedAway([task])[0] { return try answer.get() }
                defer { settle([task]) }
                let receipt = try await Self.publishing([task]) { try await batcher.submit($0[0]) }
                recordSubmitted([receipt])
                return receipt
            }
        }
    }

    /// Runs `publish` on `tasks` within a `warren.publish` span, each task carrying its context.
    private static func publishing<T>(
        _ tasks: [NewTask], _ publish: ([NewTask]) async throws -> T
    ) async rethrows -> T {
        try await TaskSpans.within(TaskSpans.publish, ofKind: .producer) { span in
            if tasks.count == 1 {
                TaskSpans.describe(span, id: tasks[0].id, task: tasks[0].task, queue: tasks[0].queue)
            } else {
                span?.attributes[TaskSpans.Attribute.batchSize] = tasks.count
            }
            let headers = TaskSpans.headers(carrying: span)
            guard !headers.isEmpty else { return try await publish(tasks) }
            return try await publish(
                tasks.map {
                    var task = $0
                    task.traceHeaders = headers
                    return task
                })
        }
    }

    /// Submits many tasks as one batch: every valid one in one transaction and one confirm window,
    /// whatever their number. An invalid submission fails only itself.
    /// - Returns: each submission's receipt, or why it was refused (as ``submit(_:)`` throws it),
    ///   in the order of `submissions`.
    /// - Throws: the broker's or the database's error when the batch could not be written: then no
    ///   task of it was accepted.
    public func submit(batch submissions: [Submission]) async throws -> [Result<SubmissionReceipt, any Error>] {
        try await TaskSpans.within(TaskSpans.submit) { span in
            span?.attributes[TaskSpans.Attribute.batchSize] = submissions.count
            return try await reportingServers {
                var results: [Result<SubmissionReceipt, any Error>?] = []
                var valid: [(index: Int, task: NewTask)] = []
                for submission in submissions {
                    do {
                        valid.append((results.count, try await validated(submission)))
                        results.append(nil)
                    } catch let error as WarrenError {
                        results.append(.failure(error))
                    }
                }
                var tasks: [NewTask] = []
                for ((index, task), answer) in zip(valid, try await turnedAway(valid.map(\.task))) {
                    if let answer { results[index] = answer } else { tasks.append(task) }
                }
                defer { settle(tasks) }
                let written = try await Self.publishing(tasks) {
                    try await Self.insertAndPublish($0, store: store, broker: broker, logger: logger)
                }
                recordSubmitted(written.compactMap { try? $0.get() })
                var receipts = written.makeIterator()
                return results.map { $0 ?? receipts.next()! }
            }
        }
    }

    /// For each task, the answer it gets without being published, or nil when it is admitted: when
    /// its queue already holds as many waiting tasks as `WARREN_MAX_WAITING` allows, a refusal;
    /// but a task whose idempotency key is taken gets the answer a repeated key gets, full queue or
    /// not, so that a client retrying a submission that went through learns that it did.
    func turnedAway(_ tasks: [NewTask]) async throws -> [Result<SubmissionReceipt, any Error>?] {
        guard limits != .none else { return Array(repeating: nil, count: tasks.count) }
        let refusals = try await refusals(tasks)
        let refusedWithKeys = zip(tasks, refusals).filter { $0.1 != nil && $0.0.idempotencyKey != nil }.map(\.0)
        let holders =
            refusedWithKeys.isEmpty
            ? [:]
            : try await store.pool.withConnection { try await store.tasks(holdingKeysOf: refusedWithKeys, on: $0) }
        return zip(tasks, refusals).map { task, refusal in
            guard let refusal else { return nil }
            if let holder = holders[task.id] { return Self.answer(repeating: task, heldBy: holder) }
            return .failure(refusal)
        }
    }

    /// Tells ``QueueDepths`` that tasks it admitted have been published, or have failed.
    private func settle(_ tasks: [NewTask]) {
        guard limits != .none else { return }
        var counts: [String: Int] = [:]
        for task in tasks where limits.limit(of: task.queue) != nil { counts[task.queue, default: 0] += 1 }
        for (queue, count) in counts { depths.settle(count, in: queue) }
    }

    /// For each task, why it is refused when its queue already holds as many waiting tasks as
    /// `WARREN_MAX_WAITING` allows (nil when it is not), from ``QueueDepths``: the tasks admitted
    /// count as waiting at once, so tasks of one call and of calls at the same time count against
    /// each other, until they are published and a read of the queue counts them.
    private func refusals(_ tasks: [NewTask]) async throws -> [WarrenError?] {
        guard limits != .none else { return Array(repeating: nil, count: tasks.count) }
        var asked: [String: Int] = [:]
        for task in tasks where limits.limit(of: task.queue) != nil { asked[task.queue, default: 0] += 1 }
        var admitted: [String: Int] = [:]
        for (queue, count) in asked {
            admitted[queue] = try await depths.admit(count, to: queue, limit: limits.limit(of: queue)!)
        }
        return tasks.map { task in
            guard let limit = limits.limit(of: task.queue) else { return nil }
            if admitted[task.queue]! > 0 {
                admitted[task.queue]! -= 1
                return nil
            }
            TaskMetrics.of(task: task.task, queue: task.queue).refused.increment()
            return WarrenError(
                .queueFull,
                "the queue \(task.queue) holds \(limit) or more waiting tasks, its limit (WARREN_MAX_WAITING); try again later"
            )
        }
    }

    /// Counts the tasks just created in ``TaskMetrics``.
    func recordSubmitted(_ receipts: [SubmissionReceipt]) {
        if receipts.count == 1 {
            if receipts[0].created {
                TaskMetrics.of(task: receipts[0].task, queue: receipts[0].queue).submitted.increment()
            }
            return
        }
        var created: [TaskMetrics.Key: Int] = [:]
        for receipt in receipts where receipt.created {
            created[TaskMetrics.Key(task: receipt.task, queue: receipt.queue), default: 0] += 1
        }
        for (key, count) in created {
            TaskMetrics.of(task: key.task, queue: key.queue).submitted.increment(by: count)
        }
    }

    /// The task a submission asks for, checked against the advertised task types: it may name
    /// only a queue that a worker consumes or an operator declared, or a task type's default queue.
    func validated(_ submission: Submission) async throws -> NewTask {
        guard let type = try await catalogCache.type(named: submission.task) else {
            throw WarrenError(
                .unknownTask,
                "no worker has advertised a task named \(submission.task.prefix(200).debugDescription); start a worker that registers it"
            )
        }
        if let queue = submission.queue {
            do {
                try Names.validate(queue: queue)
            } catch let error as WarrenError {
                throw WarrenError(.invalidArguments, "$.queue: \(error.message)")
            }
            guard try await catalogCache.isInvited(queue: queue) else {
                throw WarrenError(
                    .unknownQueue,
                    "no worker consumes the queue \(queue.debugDescription) and no operator has declared it; start a worker with --queues \(queue), or run warren queues declare \(queue)"
                )
            }
        }
        let problems = type.schema.violations(of: submission.args)
        if !problems.isEmpty {
            throw WarrenError(.invalidArguments, problems.prefix(20).joined(separator: "; "))
        }
        var retry: RetryPolicy?
        if let json = submission.retry { retry = try RetryPolicy(json: json, over: type.retry) }
        if let maxRetries = submission.maxRetries {
            retry = try RetryPolicy(json: ["max_retries": JSONValue(maxRetries)], over: retry ?? type.retry)
        }
        return try newTask(
            task: submission.task, args: submission.args, queue: submission.queue ?? type.queue,
            priority: submission.priority, idempotencyKey: submission.idempotencyKey,
            countdown: submission.countdown, eta: submission.eta, retry: retry, resultTTL: submission.resultTTL,
            apiKeyID: submission.apiKeyID)
    }

    /// Submits a task of a type this process knows; its arguments are checked by the compiler.
    /// - Parameters:
    ///   - countdown: how long to wait before running it; not with `eta`.
    ///   - eta: when to run it; not with `countdown`.
    ///   - retry: the retry policy, when not the task type's.
    ///   - resultTTL: how long to keep its result after it succeeds, when not the task type's.
    public func enqueue<Task: TaskDefinition>(
        _ type: Task.Type, _ arguments: Task.Arguments, queue: String? = nil, priority: Int? = nil,
        idempotencyKey: String? = nil, countdown: Duration? = nil, eta: Date? = nil, retry: RetryPolicy? = nil,
        resultTTL: Duration? = nil
    ) async throws -> TaskHandle<Task> {
        try await TaskSpans.within(TaskSpans.submit) { span in
            try await reportingServers {
                let task = try newTask(
                    task: Task.name, args: try JSONValue(encoding: arguments), queue: queue ?? Task.options.queue,
                    priority: priority ?? Task.options.priority, idempotencyKey: idempotencyKey,
                    countdown: countdown.map { $0.seconds }, eta: eta, retry: retry, resultTTL: resultTTL?.seconds)
                TaskSpans.describe(span, id: task.id, task: task.task, queue: task.queue)
                if let answer = try await turnedAway([task])[0] {
                    return TaskHandle(id: try answer.get().id, client: self)
                }
                defer { settle([task]) }
                let receipt = try await Self.publishing([task]) { try await batcher.submit($0[0]) }
                recordSubmitted([receipt])
                return TaskHandle(id: receipt.id, client: self)
            }
        }
    }

    /// Submits many tasks of one type as one batch: one INSERT and one confirm window for every
    /// ``maximumBatchSize`` of them (Sidekiq's `push_bulk`, Celery's `chunks`). Returns once every
    /// row is committed and every message confirmed, with the handles in the order of `arguments`.
    /// - Throws: the first error of any part of the batch; tasks of other parts may have been accepted.
    public func enqueue<Task: TaskDefinition>(
        _ type: Task.Type, batch arguments: [Task.Arguments], queue: String? = nil, priority: Int? = nil
    ) async throws -> [TaskHandle<Task>] {
        try await TaskSpans.within(TaskSpans.submit) { span in
            span?.attributes[TaskSpans.Attribute.batchSize] = arguments.count
            return try await reportingServers {
                var handles: [TaskHandle<Task>] = []
                handles.reserveCapacity(arguments.count)
                for start in stride(from: 0, to: arguments.count, by: Self.maximumBatchSize) {
                    let tasks = try arguments[start..<min(start + Self.maximumBatchSize, arguments.count)].map {
                        try newTask(
                            task: Task.name, args: try JSONValue(encoding: $0), queue: queue ?? Task.options.queue,
                            priority: priority ?? Task.options.priority, idempotencyKey: nil, countdown: nil,
                            eta: nil, retry: nil, resultTTL: nil)
                    }
                    for case .failure(let refusal)? in try await turnedAway(tasks) { throw refusal }
                    defer { settle(tasks) }
                    let results = await Self.publishing(tasks) {
                        await Self.submitBatch($0, store: store, broker: broker, logger: logger)
                    }
                    recordSubmitted(results.compactMap { try? $0.get() })
                    for result in results { handles.append(TaskHandle(id: try result.get().id, client: self)) }
                }
                return handles
            }
        }
    }

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
        task: String, args: JSONValue, queue: String, priority: Int?, idempotencyKey: String?, countdown: Double?,
        eta: Date?, retry: RetryPolicy?, resultTTL: Double?, apiKeyID: Int? = nil
    ) throws -> NewTask {
        let due = try Self.due(countdown: countdown, eta: eta)
        try Names.validate(queue: queue)
        let priority = priority ?? 0
        guard (0...Topology.maximumPriority).contains(priority) else {
            throw WarrenError(.invalidArguments, "priority must be from 0 to \(Topology.maximumPriority)")
        }
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.utf8.count > 200 {
            throw WarrenError(.invalidArguments, "an idempotency key is 1 to 200 bytes")
        }
        // What a repeated key must be asked with again: the countdown as given, not the time it made.
        if let resultTTL, !(0...Submission.maximumResultTTL).contains(resultTTL) {
            throw WarrenError(
                .invalidArguments, "result_ttl must be from 0 to \(Int(Submission.maximumResultTTL)) seconds")
        }
        let request = idempotencyKey.map { _ in
            var fields: [String: JSONValue] = [
                "task": .string(task), "args": args, "queue": .string(queue), "priority": JSONValue(priority),
                "countdown": countdown.map { JSONValue($0) } ?? .null,
                "eta": eta.map { .string(ISO8601Timestamp.format($0)) } ?? .null, "retry": retry?.json ?? .null,
            ]
            // Only when given, so that keys used before result_ttl existed still match their request.
            if let resultTTL { fields["result_ttl"] = JSONValue(resultTTL) }
            return JSONValue.object(fields).jsonText
        }
        let new = NewTask(
            id: UUID(), task: task, queue: queue, args: args, priority: priority, idempotencyKey: idempotencyKey,
            request: request, createdAt: Date(), eta: due, retry: retry, resultTTL: resultTTL, apiKeyID: apiKeyID)
        let argumentBytes = new.argsText.utf8.count
        guard argumentBytes <= maximumArgumentBytes else {
            throw WarrenError(
                .tooLarge,
                "the arguments take \(argumentBytes) bytes as Warren writes them, over the limit of \(maximumArgumentBytes) (WARREN_MAX_BODY_BYTES) that workers take"
            )
        }
        // Refused here, not by the INSERT: a failed INSERT fails every submission of its batch,
        // after the others' messages were published.
        if args.containsNUL || idempotencyKey?.containsNUL == true {
            throw WarrenError(
                .invalidArguments, "arguments and idempotency keys cannot hold U+0000 (PostgreSQL cannot store it)")
        }
        return new
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
    ///
    /// When the transaction fails, every task of the batch gets its error.
    static func submitBatch(
        _ tasks: [NewTask], store: TaskStore, broker: BrokerLink, logger: Logger
    ) async -> [Result<SubmissionReceipt, any Error>] {
        do {
            return try await insertAndPublish(tasks, store: store, broker: broker, logger: logger)
        } catch {
            return tasks.map { _ in .failure(error) }
        }
    }

    /// ``submitBatch(_:store:broker:logger:)``'s transaction: each task's receipt, or its refusal
    /// (a reused idempotency key).
    /// - Throws: the error that failed the transaction; then no task of the batch was accepted.
    static func insertAndPublish(
        _ tasks: [NewTask], store: TaskStore, broker: BrokerLink, logger: Logger
    ) async throws -> [Result<SubmissionReceipt, any Error>] {
        guard !tasks.isEmpty else { return [] }
        let unkeyed = tasks.filter { $0.idempotencyKey == nil }
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
            let repeated = tasks.filter { $0.idempotencyKey != nil && !inserted.contains($0.id) }
            let existing =
                repeated.isEmpty ? [:] : try await store.tasks(holdingKeysOf: repeated, on: connection)
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
                guard let holder = existing[task.id] else {
                    return .failure(WarrenError(.invalidArguments, "the task could not be inserted"))
                }
                return answer(repeating: task, heldBy: holder)
            }
        }
    }

    /// The answer to a task whose idempotency key is already taken: the task that holds it, when
    /// it was asked for with the same request.
    private static func answer(
        repeating task: NewTask, heldBy holder: (record: TaskRecord, sameRequest: Bool)
    ) -> Result<SubmissionReceipt, any Error> {
        let record = holder.record
        guard holder.sameRequest else {
            return .failure(
                WarrenError(
                    .idempotencyKeyReused,
                    "the idempotency key \((task.idempotencyKey ?? "").prefix(200).debugDescription) was first used for another request (task \(record.id.uuidString.lowercased())); a repeated key must come with the same task, arguments and options"
                ))
        }
        return .success(
            SubmissionReceipt(
                id: record.id, task: record.task, queue: record.queue, state: record.state, created: false))
    }

    /// Publishes the tasks' messages as one confirm window; false, after logging why, if the
    /// broker did not confirm them all.
    private static func publish(_ tasks: [NewTask], broker: BrokerLink, logger: Logger) async -> Bool {
        guard !tasks.isEmpty else { return true }
        do {
            try await broker.publish(tasks)
            return true
        } catch {
            logger.warning("publish failed; tasks stay PENDING", metadata: [LoggingKey.error: "\(error)"])
            return false
        }
    }
}
