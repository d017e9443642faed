import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WarrenAMQP
import WarrenCore
import WarrenPostgres

/// The per-delivery work of a ``Worker``, with its batched writes and acks.
final class Pipeline: Sendable {
    /// An outcome to record, the delivery to ack once it is, and the message to publish between
    /// the two (a retry into the delay queues, or a dead letter).
    struct Settlement: Sendable {
        var outcome: AttemptOutcome
        var deliveryTag: UInt64
        var followUp: AMQPOutgoingMessage?
    }

    let acks: Acknowledger
    private let connection: AMQPConnection
    private let store: TaskStore
    private let registry: TaskRegistry
    private let worker: String
    private let logger: Logger
    private let turns: Batcher<String, Double>
    private let starts: Batcher<StartRequest, Int?>
    private let deferredStarts: DeferredStarts
    private let standings: Batcher<UUID, (state: TaskState, attempts: Int)?>
    private let settlements: Batcher<Settlement, Bool>
    private let watchdog: TimeLimitWatchdog
    private let recordStartAfter: Duration

    init(
        connection: AMQPConnection, store: TaskStore, registry: TaskRegistry, worker: String, logger: Logger,
        concurrency: Int, prefetch: Int, watchdog: TimeLimitWatchdog, recordStartAfter: Duration, ackDelay: Duration
    ) {
        self.watchdog = watchdog
        self.recordStartAfter = recordStartAfter
        let acks = Acknowledger(
            connection: connection, hold: AckHold(delay: ackDelay, prefetch: prefetch, concurrency: concurrency))
        self.acks = acks
        self.connection = connection
        self.store = store
        self.registry = registry
        self.worker = worker
        self.logger = logger
        self.turns = Batcher(maximumBatchSize: concurrency) { tasks in
            // One statement per task type, each locking one row: no two workers can deadlock.
            do {
                var waits: [String: IndexingIterator<[Double]>] = [:]
                for (task, count) in Dictionary(tasks.map { ($0, 1) }, uniquingKeysWith: +) {
                    waits[task] = try await store.takeTurns(count, of: task).makeIterator()
                }
                return tasks.map { .success(waits[$0]?.next() ?? 0) }
            } catch {
                return tasks.map { _ in .failure(error) }
            }
        }
        let starts = Batcher<StartRequest, Int?>(maximumBatchSize: concurrency) { requests in
            // One task may not be started twice in one statement; a second copy in the same batch
            // is treated as already running.
            var seen: Set<UUID> = []
            let unique = requests.filter { seen.insert($0.envelope.id).inserted }
            do {
                let attempts = try await store.start(unique, worker: worker)
                var claimed: Set<UUID> = []
                return requests.map { request in
                    guard claimed.insert(request.envelope.id).inserted else { return .success(nil) }
                    return .success(attempts[request.envelope.id])
                }
            } catch {
                return requests.map { _ in .failure(error) }
            }
        }
        self.starts = starts
        self.deferredStarts = DeferredStarts(delay: recordStartAfter, starts: starts)
        self.standings = Batcher(maximumBatchSize: concurrency) { ids in
            do {
                let standing = try await store.standing(of: Array(Set(ids)))
                return ids.map { .success(standing[$0]) }
            } catch {
                return ids.map { _ in .failure(error) }
            }
        }
        self.settlements = Batcher(maximumBatchSize: concurrency) { settlements in
            await Self.settle(settlements, store: store, connection: connection, acks: acks, worker: worker)
        }
    }

    /// Records the outcomes (one statement), publishes the follow-up messages of those recorded
    /// (one confirm window), then acks. A delivery whose follow-up could not be published is
    /// requeued instead, so it runs again rather than losing its retry or dead letter.
    ///
    /// One outcome per task is offered: two copies of one task (a duplicate message run alongside)
    /// may end in the same batch, and one statement cannot write a row twice. The copy whose start
    /// was written is the one the row knows; the other is acked unrecorded, without its follow-up.
    private static func settle(
        _ settlements: [Settlement], store: TaskStore, connection: AMQPConnection, acks: Acknowledger, worker: String
    ) async -> [Result<Bool, any Error>] {
        let offered = settlements.indicesOfOnePerKey(\.outcome.id, preferring: { $0.outcome.unrecordedStart == nil })
        let recordedIDs: Set<UUID>
        do {
            recordedIDs = try await store.finish(offered.map { settlements[$0].outcome }, worker: worker)
        } catch {
            return settlements.map { _ in .failure(error) }
        }
        let offeredSet = Set(offered)
        let recorded = settlements.indices.map { offeredSet.contains($0) && recordedIDs.contains(settlements[$0].outcome.id) }
        let followUps = settlements.indices.filter { recorded[$0] }.compactMap { settlements[$0].followUp }
        do {
            try await connection.publish(followUps)
        } catch {
            let lost = settlements.indices.map { recorded[$0] && settlements[$0].followUp != nil }
            await acks.done(settlements.indices.filter { !lost[$0] }.map { settlements[$0].deliveryTag })
            return settlements.indices.map { lost[$0] ? .failure(error) : .success(recorded[$0]) }
        }
        await acks.done(settlements.map(\.deliveryTag))
        return recorded.map { .success($0) }
    }

    func handle(_ delivery: AMQPDelivery) async {
        let envelope: TaskEnvelope
        do {
            envelope = try TaskEnvelope(decoding: delivery.body)
        } catch {
            await deadLetter(
                delivery, taskID: delivery.properties.messageID.flatMap(UUID.init(uuidString:)), envelope: nil,
                error: TaskError(type: "InvalidMessage", message: "\(error)", reason: DeadLetterReason.invalidMessage.rawValue))
            return
        }
        var logger = self.logger
        logger[metadataKey: LoggingKey.taskID] = "\(envelope.id)"
        logger[metadataKey: LoggingKey.taskName] = "\(envelope.task)"
        guard let entry = registry[envelope.task] else {
            await deadLetter(
                delivery, taskID: envelope.id, envelope: envelope,
                error: TaskError(
                    type: "UnknownTask", message: "this worker has no task named \(envelope.task.prefix(200).debugDescription)",
                    reason: DeadLetterReason.unknownTask.rawValue))
            return
        }
        if let eta = envelope.eta, eta.timeIntervalSinceNow >= 1 {
            await delayAgain(delivery, envelope, logger)
            return
        }
        if entry.options.rateLimit != nil, await !awaitTurn(delivery, envelope, logger) {
            return
        }
        let priority = Int(delivery.properties.priority ?? 0)
        // When an unwritten start is stored as having happened: as the worker takes the task up
        // (after any turn under its rate limit), as a START statement would have been sent.
        let began = ContinuousClock.now
        let attempt: Int
        // Set while the start is not yet written: the attempt is numbered from the row as read.
        var deferredStart: DeferredStarts.Entry?
        do {
            let started: Int?
            if delivery.redelivered || recordStartAfter == .zero {
                started = try await starts.submit(
                    StartRequest(envelope: envelope, priority: priority, redelivered: delivery.redelivered))
            } else {
                let standing = try await standings.submit(envelope.id)
                let runnable = standing.map { TaskState.waiting.contains($0.state) } ?? true
                started = runnable ? (standing?.attempts ?? 0) + 1 : nil
                if let started {
                    deferredStart = deferredStarts.add(
                        StartRequest(
                            envelope: envelope, priority: priority, redelivered: false, expectedAttempts: started - 1))
                }
            }
            guard let started else {
                logger.debug("already finished or running elsewhere; acking without running")
                await acks.done([delivery.deliveryTag])
                return
            }
            attempt = started
        } catch {
            await giveBack(delivery, error, logger)
            return
        }
        logger[metadataKey: LoggingKey.taskAttempt] = "\(attempt)"
        let policy = envelope.retry ?? entry.options.retry
        var settlement = Settlement(
            outcome: AttemptOutcome(id: envelope.id, attempt: attempt, state: .success), deliveryTag: delivery.deliveryTag)
        let limits = entry.options
        let end: AttemptEnd?
        if attempt > policy.maximumAttempts {
            // Earlier attempts started and never finished: their workers died running it.
            let error = TaskError(
                type: "Poison",
                message: "attempt \(attempt) of at most \(policy.maximumAttempts): earlier attempts never finished, so their workers likely died running it",
                reason: DeadLetterReason.poison.rawValue)
            logger.warning("poison message; dead-lettering it", metadata: [LoggingKey.error: "\(error)"])
            fail(&settlement, error, delivery, envelope)
            end = nil
        } else {
            let context = TaskContext(
                id: envelope.id, name: envelope.task, queue: envelope.queue, attempt: attempt, logger: logger)
            let running = RunningAttempt(taskID: envelope.id, softLimit: limits.softTimeLimit, hardLimit: limits.timeLimit)
            watchdog.watch(running)
            end = await running.run({ try await entry.run(envelope.args, context) })
        }
        // Decided before anything returns, so that no start is written once the attempt has ended.
        let start: DeferredStarts.Settled? =
            if let deferredStart { await deferredStarts.settle(deferredStart) } else { nil }
        if let end {
            switch end {
            case .finished(let result) where result.containsNUL:
                let error = TaskError(
                    type: "InvalidResult", message: "the result holds U+0000, which PostgreSQL cannot store",
                    reason: DeadLetterReason.notRetryable.rawValue)
                logger.warning("task result cannot be stored; failing the task", metadata: [LoggingKey.error: "\(error)"])
                fail(&settlement, error, delivery, envelope)
            case .finished(let result):
                settlement.outcome.result = result
            case .revoked:
                // The row is REVOKED already; nothing is recorded, and the delivery is done.
                logger.info("task revoked while running; cancelled")
                await acks.done([delivery.deliveryTag])
                return
            case .failed where Task.isCancelled:
                // The worker is stopping past its grace period: record nothing and leave the delivery
                // unacked, so the broker gives it to another worker when this connection closes.
                logger.notice("task cancelled by shutdown; it will be redelivered")
                return
            case .failed(let error, let afterSoftLimit):
                var taskError = TaskError(describing: error)
                if afterSoftLimit {
                    taskError = TaskError(
                        type: "SoftTimeLimitExceeded",
                        message: "cancelled at its soft time limit of \(limits.softTimeLimit!): \(taskError)")
                }
                let decision = policy.decision(
                    afterAttempt: attempt, retryable: !afterSoftLimit && error is any RetryableError,
                    requestedDelay: (error as? TaskRetry).map { Int($0.delay.seconds.rounded(.up)) },
                    random: Double.random(in: 0..<1))
                switch decision {
                case .retry(let seconds):
                    logger.info("task failed; retrying", metadata: [LoggingKey.error: "\(taskError)", "retry.in": "\(seconds)s"])
                    retry(&settlement, taskError, after: seconds, delivery, envelope)
                case .fail(let reason):
                    logger.info("task failed", metadata: [LoggingKey.error: "\(taskError)", LoggingKey.reason: "\(reason)"])
                    taskError.reason = reason.rawValue
                    fail(&settlement, taskError, delivery, envelope)
                }
            case .overHardLimit:
                let error = TaskError(
                    type: "TimeLimitExceeded",
                    message: "still running at its hard time limit of \(limits.timeLimit); its slot was freed",
                    reason: DeadLetterReason.timeLimit.rawValue)
                logger.warning("task over its hard time limit", metadata: [LoggingKey.error: "\(error)"])
                fail(&settlement, error, delivery, envelope)
            }
        }
        switch start {
        case nil:
            break  // written before the task ran
        case .unwritten?:
            settlement.outcome.unrecordedStart = UnrecordedStart(
                envelope: envelope, priority: priority, ranFor: (ContinuousClock.now - began).seconds)
        case .written(let started)? where started == attempt:
            break
        case .written?:
            logger.notice("outcome not recorded: the task was revoked, or another worker took it, while it ran")
            await acks.done([delivery.deliveryTag])
            return
        case .failed(let error)?:
            await giveBack(delivery, error, logger)
            return
        }
        do {
            let recorded = try await settlements.submit(settlement)
            if !recorded { logger.notice("outcome not recorded: a newer attempt owns the task") }
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// Makes the settlement a RETRY due in `seconds`, with the message that carries the next attempt.
    private func retry(
        _ settlement: inout Settlement, _ error: TaskError, after seconds: Int, _ delivery: AMQPDelivery,
        _ envelope: TaskEnvelope
    ) {
        let due = Date().addingTimeInterval(Double(seconds))
        settlement.outcome.state = .retry
        settlement.outcome.error = error
        settlement.outcome.eta = due
        var next = envelope
        next.eta = due
        settlement.followUp = delayed(delivery, body: next.encoded(), seconds: seconds, queue: envelope.queue)
    }

    /// Makes the settlement a FAILURE that leaves a dead letter in `<queue>.dead`.
    private func fail(_ settlement: inout Settlement, _ error: TaskError, _ delivery: AMQPDelivery, _ envelope: TaskEnvelope) {
        settlement.outcome.state = .failure
        settlement.outcome.error = error
        settlement.outcome.deadLetterBody = delivery.body
        settlement.followUp = Self.deadLetterMessage(
            delivery, queue: envelope.queue, error: error, attempts: settlement.outcome.attempt)
    }

    /// The message, unchanged but for `body` and any turn it took, on its way through the delay
    /// queues to `queue`.
    private func delayed(_ delivery: AMQPDelivery, body: [UInt8], seconds: Int, queue: String) -> AMQPOutgoingMessage {
        let route = DelayRoute(clamping: seconds, queue: queue)
        var properties = delivery.properties
        properties.persistent = true
        properties.headers[Self.turnHeader] = nil
        return AMQPOutgoingMessage(exchange: DelayRoute.entryExchange, routingKey: route.routingKey, properties: properties, body: body)
    }

    /// A message that came before its due time (republished early, or a clock ahead of the
    /// producer's) goes back into the delay queues for the rest of its wait.
    private func delayAgain(_ delivery: AMQPDelivery, _ envelope: TaskEnvelope, _ logger: Logger) async {
        let seconds = Int((envelope.eta!.timeIntervalSinceNow).rounded(.up))
        logger.debug("early; delaying again", metadata: ["retry.in": "\(seconds)s"])
        await replace(delivery, with: delayed(delivery, body: delivery.body, seconds: seconds, queue: envelope.queue), logger)
    }

    /// The header with the turn a message took under its task type's rate limit, in milliseconds
    /// since 1970, while it waits for that turn in the delay queues.
    static let turnHeader = "x-warren-turn"

    /// Waits for the task's turn under its type's rate limit (see ``RateLimit``), and returns
    /// whether to go on and start it. A turn more than a second away is waited for in the delay
    /// queues instead, holding no slot: the message goes back in, carrying its turn.
    private func awaitTurn(_ delivery: AMQPDelivery, _ envelope: TaskEnvelope, _ logger: Logger) async -> Bool {
        let turn: Date
        if case .int(let milliseconds)? = delivery.properties.headers[Self.turnHeader] {
            turn = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
        } else {
            do {
                turn = Date(timeIntervalSinceNow: try await turns.submit(envelope.task))
            } catch {
                await giveBack(delivery, error, logger)
                return false
            }
        }
        let wait = turn.timeIntervalSinceNow
        if wait > 1 {
            if envelope.eta != nil {
                // A countdown or retry is relayed if not started soon after it was due; not before its turn.
                do {
                    try await store.postponeRelay(of: envelope.id, until: turn)
                } catch {
                    await giveBack(delivery, error, logger)
                    return false
                }
            }
            // Back a fraction of a second early (whole seconds, rounded down): the rest is waited
            // for below, so that starts keep their spacing.
            var message = delayed(delivery, body: delivery.body, seconds: Int(wait), queue: envelope.queue)
            message.properties.headers[Self.turnHeader] = .int(Int64((turn.timeIntervalSince1970 * 1_000).rounded()))
            logger.debug("rate limited; waiting for its turn", metadata: ["turn.in": "\(wait)s"])
            await replace(delivery, with: message, logger)
            return false
        }
        if wait > 0 {
            // Cancelled only when the worker stops past its grace period: the delivery stays unacked.
            do { try await Task.sleep(for: .seconds(wait)) } catch { return false }
        }
        return true
    }

    /// Publishes `message` to carry on for `delivery`, then acks the delivery.
    private func replace(_ delivery: AMQPDelivery, with message: AMQPOutgoingMessage, _ logger: Logger) async {
        do {
            try await connection.publish(message)
            await acks.done([delivery.deliveryTag])
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// The message for `<queue>.dead`: the original body and properties, with why in its headers.
    static func deadLetterMessage(_ delivery: AMQPDelivery, queue: String, error: TaskError, attempts: Int?)
        -> AMQPOutgoingMessage
    {
        var properties = delivery.properties
        properties.persistent = true
        properties.headers[turnHeader] = nil
        properties.headers["x-warren-reason"] = .string(error.reason ?? "unknown")
        properties.headers["x-warren-error"] = .string(String(error.description.prefix(1000)))
        properties.headers["x-warren-original-queue"] = .string(queue)
        properties.headers["x-warren-dead-lettered-at"] = .timestamp(UInt64(Date().timeIntervalSince1970))
        if let attempts { properties.headers["x-warren-attempts"] = .int(Int64(attempts)) }
        return AMQPOutgoingMessage(
            exchange: Topology.deadLetterExchange, routingKey: queue, properties: properties, body: delivery.body)
    }

    /// Dead-letters a message that cannot be run at all (unreadable, or an unknown task): publishes
    /// it to `<queue>.dead`, records it, then acks.
    private func deadLetter(_ delivery: AMQPDelivery, taskID: UUID?, envelope: TaskEnvelope?, error: TaskError) async {
        let queue = envelope?.queue ?? DelayRoute.queue(fromRoutingKey: delivery.routingKey)
        logger.warning(
            "dead-lettering a message",
            metadata: [LoggingKey.queue: "\(queue)", LoggingKey.reason: "\(error.reason ?? "")", LoggingKey.error: "\(error.message)"])
        do {
            try await connection.publish(Self.deadLetterMessage(delivery, queue: queue, error: error, attempts: nil))
            try await store.recordDeadLetter(
                queue: queue, taskID: taskID, envelope: envelope, error: error, body: delivery.body, worker: worker)
            await acks.done([delivery.deliveryTag])
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// The outcome could not be recorded: requeue the delivery so it runs again. It waits about a
    /// second first, holding its concurrency slot: while PostgreSQL is down, the slots fill up and
    /// consumption pauses instead of spinning deliveries through the broker.
    private func giveBack(_ delivery: AMQPDelivery, _ error: any Error, _ logger: Logger) async {
        logger.error("could not record; requeueing the delivery", metadata: [LoggingKey.error: "\(error)"])
        try? await Task.sleep(for: .milliseconds(Int.random(in: 500...1_500)))
        await acks.requeue(delivery.deliveryTag)
    }
}
