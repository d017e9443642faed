import CoreMetrics
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import Tracing
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
    private let starts: Batcher<StartRequest, AttemptNumber?>
    private let deferredStarts: DeferredStarts
    private let standings: Batcher<UUID, (state: TaskState, attempts: AttemptNumber)?>
    private let settlements: Batcher<Settlement, Bool>
    private let watchdog: TimeLimitWatchdog
    private let recordStartAfter: Duration
    private let maximumMessageBytes: Int
    private let maximumResultBytes: Int
    private let tally: QueueTally
    private let progress: ProgressReports

    init(
        connection: AMQPConnection, store: TaskStore, registry: TaskRegistry, worker: String, logger: Logger,
        concurrency: Int, prefetch: Int, watchdog: TimeLimitWatchdog, recordStartAfter: Duration, ackDelay: Duration,
        maximumMessageBytes: Int, maximumResultBytes: Int, tally: QueueTally, progress: ProgressReports
    ) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumResultBytes = maximumResultBytes
        self.tally = tally
        self.progress = progress
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
        let starts = Batcher<StartRequest, AttemptNumber?>(maximumBatchSize: concurrency) { requests in
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
    /// (one confirm window), then acks. A delivery whose follow-up could not be published is not
    /// acked, and the broker gives it back. A retry's row carries the follow-up's ETA, so the
    /// delivery given back is not run ahead of its backoff: the relay publishes the retry from
    /// its outbox entry, ``TaskStore/overdueAfter`` after it was due.
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
        let recorded = settlements.indices.map {
            offeredSet.contains($0) && recordedIDs.contains(settlements[$0].outcome.id)
        }
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

    /// The message's envelope, if it is one a worker takes.
    private func decode(_ delivery: AMQPDelivery) throws -> TaskEnvelope {
        guard delivery.body.count <= maximumMessageBytes else {
            throw MessageTooLarge(bytes: delivery.body.count, limit: maximumMessageBytes)
        }
        return try TaskEnvelope(decoding: delivery.body)
    }

    private struct MessageTooLarge: Error, CustomStringConvertible {
        var bytes: Int
        var limit: Int
        var description: String {
            "the body is \(bytes) bytes, over the workers' limit of \(limit) (WARREN_MAX_BODY_BYTES and \(Configuration.envelopeAllowance) for the envelope)"
        }
    }

    /// Runs a delivery's task within a `warren.task` span, the child of the context its message
    /// carries; or, when no span is recorded, within that context, which then goes on to the tasks
    /// it submits.
    func handle(_ delivery: AMQPDelivery) async {
        let context = TaskSpans.context(of: delivery)
        if TaskSpans.recording {
            await withSpan(TaskSpans.task, context: context, ofKind: .consumer) { span in
                span.attributes[TaskSpans.Attribute.system] = "rabbitmq"
                span.attributes[TaskSpans.Attribute.messageID] = delivery.properties.messageID
                await handle(delivery, span: span)
            }
        } else if !context.isEmpty {
            await InstrumentationContext.$current.withValue(context) { await handle(delivery, span: nil) }
        } else {
            await handle(delivery, span: nil)
        }
    }

    private func handle(_ delivery: AMQPDelivery, span: (any Span)?) async {
        let envelope: TaskEnvelope
        do {
            envelope = try decode(delivery)
        } catch {
            span?.attributes[TaskSpans.Attribute.outcome] = DeadLetterReason.invalidMessage.rawValue
            await deadLetter(
                delivery, taskID: delivery.properties.messageID.flatMap(UUID.init(uuidString:)), envelope: nil,
                error: .invalidMessage("\(error)"))
            return
        }
        TaskSpans.describe(span, id: envelope.id, task: envelope.task, queue: envelope.queue)
        var logger = self.logger
        logger[metadataKey: LoggingKey.taskID] = "\(envelope.id)"
        logger[metadataKey: LoggingKey.taskName] = "\(envelope.task)"
        logger[metadataKey: LoggingKey.queue] = "\(envelope.queue)"
        guard let entry = registry[envelope.task] else {
            span?.attributes[TaskSpans.Attribute.outcome] = DeadLetterReason.unknownTask.rawValue
            await deadLetter(delivery, taskID: envelope.id, envelope: envelope, error: .unknownTask(envelope.task))
            return
        }
        if let eta = envelope.eta, eta.timeIntervalSinceNow >= 1 {
            await delayAgain(delivery, envelope, logger)
            return
        }
        // The delay queues wait whole seconds, rounded to the nearest: the rest is waited here.
        if let eta = envelope.eta, eta.timeIntervalSinceNow > 0 {
            try? await Task.sleep(for: .seconds(eta.timeIntervalSinceNow))
        }
        if entry.options.rateLimit != nil, await !awaitTurn(delivery, envelope, logger) {
            return
        }
        let priority = Int(delivery.properties.priority ?? 0)
        // When an unwritten start is stored as having happened: as the worker takes the task up
        // (after any turn under its rate limit), as a START statement would have been sent.
        let began = ContinuousClock.now
        let attempt: AttemptNumber
        // Set while the start is not yet written: the attempt is numbered from the row as read.
        var deferredStart: DeferredStarts.Entry?
        do {
            let started = try await TaskSpans.within(TaskSpans.start) { _ -> AttemptNumber? in
                if delivery.redelivered || recordStartAfter == .zero {
                    return try await starts.submit(
                        StartRequest(envelope: envelope, priority: priority, redelivered: delivery.redelivered))
                }
                let standing = try await standings.submit(envelope.id)
                guard standing.map({ TaskState.waiting.contains($0.state) }) ?? true else { return nil }
                let before = standing?.attempts ?? AttemptNumber(number: 0)
                deferredStart = deferredStarts.add(
                    StartRequest(
                        envelope: envelope, priority: priority, redelivered: false, expectedAttempts: before.number))
                return AttemptNumber(number: before.number + 1, attemptsAtReplay: before.attemptsAtReplay)
            }
            guard let started else {
                span?.attributes[TaskSpans.Attribute.outcome] = "skipped"
                logger.debug("already finished or running elsewhere; acking without running")
                await acks.done([delivery.deliveryTag])
                return
            }
            attempt = started
        } catch {
            await giveBack(delivery, error, logger)
            return
        }
        logger[metadataKey: LoggingKey.taskAttempt] = "\(attempt.number)"
        span?.attributes[TaskSpans.Attribute.attempt] = attempt.number
        let consumedQueue = Self.consumedQueue(of: delivery, envelope)
        let metrics = TaskMetrics.of(task: envelope.task, queue: consumedQueue)
        let resolution = AttemptResolution(
            attempt: attempt, policy: envelope.retry ?? entry.options.retry, limits: entry.options,
            maximumResultBytes: maximumResultBytes)
        let end: AttemptResolution.End?
        if let poison = resolution.poison {
            logger.warning("poison message; dead-lettering it", metadata: [LoggingKey.error: "\(poison)"])
            end = nil
        } else {
            var context = TaskContext(
                id: envelope.id, name: envelope.task, queue: envelope.queue, attempt: attempt.number, logger: logger,
                database: store.pool)
            context.progressSink = { [progress] fraction, message in
                progress.report(envelope.id, attempt: attempt.number, fraction: fraction, message: message)
            }
            let running = RunningAttempt(
                taskID: envelope.id, softLimit: entry.options.softTimeLimit, hardLimit: entry.options.timeLimit)
            watchdog.watch(running)
            metrics.started.increment()
            let due = max(envelope.createdAt, envelope.eta ?? envelope.createdAt)
            metrics.queueWait.record(duration: .seconds(max(0, Date().timeIntervalSince(due))))
            TaskMetrics.inFlight.increment()
            let runStarted = ContinuousClock.now
            end = await running.run({ [context] in try await entry.run(envelope.args, context) })
            metrics.runTime.record(duration: ContinuousClock.now - runStarted)
            TaskMetrics.inFlight.decrement()
        }
        // Decided before anything returns, so that no start is written once the attempt has ended.
        let start: AttemptResolution.Start
        var startError: (any Error)?
        if let deferredStart {
            switch await deferredStarts.settle(deferredStart) {
            case .unwritten:
                start = .unwritten
            case .written(let started):
                start = .writtenWhileRunning(attempt: started?.number)
            case .failed(let error):
                start = .writeFailed
                startError = error
            }
        } else {
            start = .writtenBefore
        }
        // The attempt has ended: its last report goes with its outcome, or nowhere.
        let lastProgress = progress.take(envelope.id, attempt: attempt.number)
        let action = resolution.action(
            ended: end, start: start, stopping: Task.isCancelled, random: Double.random(in: 0..<1))
        var settlement = Settlement(
            outcome: AttemptOutcome(id: envelope.id, attempt: attempt.number, state: .success),
            deliveryTag: delivery.deliveryTag)
        switch action {
        case .ackUnrecorded(.revoked):
            logger.info("task revoked while running; cancelled")
            await acks.done([delivery.deliveryTag])
            return
        case .ackUnrecorded(.fencedOff):
            logger.notice("outcome not recorded: the task was revoked, or another worker took it, while it ran")
            await acks.done([delivery.deliveryTag])
            return
        case .leaveUnacked:
            logger.notice("task cancelled by shutdown; it will be redelivered")
            return
        case .giveBack:
            await giveBack(delivery, startError, logger)
            return
        case .record(let outcome, let recordsStart):
            switch outcome {
            case .success(let result):
                settlement.outcome.result = result
                settlement.outcome.resultTTL = entry.options.resultTTL
            case .retry(let error, let seconds):
                logger.info(
                    "task failed; retrying",
                    metadata: [LoggingKey.error: "\(error)", LoggingKey.retryIn: "\(seconds)s"])
                let due = Date().addingTimeInterval(Double(seconds))
                settlement.outcome.state = .retry
                settlement.outcome.error = error
                settlement.outcome.eta = due
                var next = envelope
                next.eta = due
                settlement.followUp = TaskMessages.retry(of: delivery, next: next, afterSeconds: seconds)
            case .failure(let error):
                logger.info(
                    "task failed; dead-lettering it",
                    metadata: [LoggingKey.error: "\(error)", LoggingKey.reason: "\(error.reason?.rawValue ?? "")"])
                settlement.outcome.state = .failure
                settlement.outcome.error = error
                let letter = KeptDeadLetter(key: UUID(), body: delivery.body)
                settlement.outcome.deadLetter = letter
                settlement.followUp = TaskMessages.deadLetter(
                    delivery, queue: envelope.queue, error: error, attempts: attempt.number, key: letter.key)
            }
            settlement.outcome.lastProgress = lastProgress
            if recordsStart {
                settlement.outcome.unrecordedStart = UnrecordedStart(
                    envelope: envelope, priority: priority, began: began)
            }
        }
        if let span {
            span.attributes[TaskSpans.Attribute.outcome] = settlement.outcome.state.rawValue.lowercased()
            if let error = settlement.outcome.error { span.recordError(error) }
        }
        do {
            if try await TaskSpans.within(TaskSpans.finish, { _ in try await settlements.submit(settlement) }) {
                tally.count(settlement.outcome.state, in: consumedQueue)
                switch settlement.outcome.state {
                case .success: metrics.success.increment()
                case .retry: metrics.retry.increment()
                case .failure:
                    metrics.failure.increment()
                    TaskMetrics.deadLettered(
                        task: envelope.task, queue: consumedQueue,
                        reason: settlement.outcome.error?.reason)
                default: break
                }
            } else {
                logger.notice("outcome not recorded: a newer attempt owns the task")
            }
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// The queue a delivery came from, which counts and metric labels name: one of the worker's,
    /// whatever queue a foreign producer's envelope names (any number of them).
    private static func consumedQueue(of delivery: AMQPDelivery, _ envelope: TaskEnvelope?) -> String {
        delivery.consumerTag.isEmpty ? envelope?.queue ?? "unknown" : delivery.consumerTag
    }

    /// A message that came before its due time (republished early, or a clock ahead of the
    /// producer's) goes back into the delay queues for the rest of its wait.
    private func delayAgain(_ delivery: AMQPDelivery, _ envelope: TaskEnvelope, _ logger: Logger) async {
        let seconds = Int((envelope.eta!.timeIntervalSinceNow).rounded())
        logger.debug("early; delaying again", metadata: [LoggingKey.retryIn: "\(seconds)s"])
        await replace(delivery, with: TaskMessages.delay(delivery, seconds: seconds, queue: envelope.queue), logger)
    }

    /// Waits for the task's turn under its type's rate limit (see ``RateLimit``), and returns
    /// whether to go on and start it. A turn more than a second away is waited for in the delay
    /// queues instead, holding no slot: the message goes back in, carrying its turn.
    private func awaitTurn(_ delivery: AMQPDelivery, _ envelope: TaskEnvelope, _ logger: Logger) async -> Bool {
        let turn: Date
        if let taken = TaskMessages.turn(of: delivery) {
            turn = taken
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
            logger.debug("rate limited; waiting for its turn", metadata: [LoggingKey.turnIn: "\(wait)s"])
            await replace(
                delivery, with: TaskMessages.delay(delivery, seconds: Int(wait), queue: envelope.queue, turn: turn),
                logger)
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

    /// Dead-letters a message that cannot be run at all (unreadable, or an unknown task): records
    /// it, publishes it to `<queue>.dead`, then acks. Recorded first, as a failed attempt's dead
    /// letter is: every message in a dead-letter queue has its row, which a replay or purge finds
    /// it by.
    private func deadLetter(_ delivery: AMQPDelivery, taskID: UUID?, envelope: TaskEnvelope?, error: TaskError) async {
        let queue = envelope?.queue ?? DelayRoute.queue(fromRoutingKey: delivery.routingKey)
        logger.warning(
            "dead-lettering a message",
            metadata: [
                LoggingKey.queue: "\(queue)", LoggingKey.reason: "\(error.reason?.rawValue ?? "")",
                LoggingKey.error: "\(error.message)",
            ])
        let letter = KeptDeadLetter(key: UUID(), body: delivery.body)
        do {
            try await store.recordDeadLetter(
                queue: queue, taskID: taskID, envelope: envelope, error: error, letter: letter, worker: worker)
            try await connection.publish(
                TaskMessages.deadLetter(delivery, queue: queue, error: error, attempts: nil, key: letter.key))
            let consumedQueue = Self.consumedQueue(of: delivery, envelope)
            tally.count(.failure, in: consumedQueue)
            // A name no worker registered is not a label: a foreign producer could send any number.
            let task = envelope.flatMap { registry[$0.task] == nil ? nil : $0.task } ?? "unknown"
            TaskMetrics.deadLettered(
                task: task, queue: consumedQueue, reason: error.reason)
            await acks.done([delivery.deliveryTag])
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// The outcome could not be recorded: requeue the delivery so it runs again. It waits about a
    /// second first, holding its concurrency slot: while PostgreSQL is down, the slots fill up and
    /// consumption pauses instead of spinning deliveries through the broker.
    private func giveBack(_ delivery: AMQPDelivery, _ error: (any Error)?, _ logger: Logger) async {
        logger.error(
            "could not record; requeueing the delivery", metadata: [LoggingKey.error: "\(error.map { "\($0)" } ?? "")"])
        try? await Task.sleep(for: .milliseconds(Int.random(in: 500...1_500)))
        await acks.requeue(delivery.deliveryTag)
    }
}
