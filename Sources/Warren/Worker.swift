import Foundation
import Logging
import ServiceLifecycle
import WarrenAMQP
import WarrenCore
import WarrenPostgres

/// Consumes tasks from queues, runs them, records their outcomes, then acks.
///
/// The pipeline for each delivery: decode the envelope (a message that cannot be decoded, or
/// names a task this worker does not know, goes to `<queue>.dead` with its reason); start the
/// attempt in PostgreSQL (a task already finished is acked without running); run it; record
/// SUCCESS or FAILURE (fenced by the attempt number); ack once that has committed. Starts and
/// outcomes of concurrent tasks are written in batches, and acks go out with `multiple`.
///
/// On graceful shutdown (SIGTERM, SIGINT) it stops taking deliveries, lets running tasks finish
/// within `gracePeriod`, and returns; deliveries it never started go back to the queue.
public final class Worker: Service {
    /// How a worker runs.
    public struct Options: Sendable {
        /// The queues to consume; the registered tasks' default queues when empty.
        public var queues: [String]
        /// How many tasks run at once.
        public var concurrency: Int
        /// How many unacked deliveries the broker may send ahead (at least `concurrency`).
        public var prefetch: Int
        /// How long running tasks may take to finish after a shutdown signal.
        public var gracePeriod: Duration
        /// The worker's name in rows and logs.
        public var name: String

        public init(
            queues: [String] = [], concurrency: Int = 8, prefetch: Int? = nil, gracePeriod: Duration = .seconds(30),
            name: String? = nil
        ) {
            self.queues = queues
            self.concurrency = max(1, concurrency)
            self.prefetch = max(self.concurrency, prefetch ?? self.concurrency * 4)
            self.gracePeriod = gracePeriod
            self.name = name ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    private let configuration: Configuration
    private let registry: TaskRegistry
    private let options: Options
    private let logger: Logger

    public init(configuration: Configuration, registry: TaskRegistry, options: Options, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.options = options
        var logger = logger
        logger[metadataKey: LoggingKey.workerID] = "\(options.name)"
        self.logger = logger
    }

    public func run() async throws {
        let endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        let queues = options.queues.isEmpty ? registry.queues : options.queues
        for queue in queues { try Topology.validate(queue: queue) }
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 3)
        let store = TaskStore(pool: pool)
        try await store.advertise(
            registry.entries.values.map { ($0.name, $0.options.queue, $0.schema) }.sorted { $0.0 < $1.0 })

        let connection: AMQPConnection
        let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>
        do {
            connection = try await AMQPConnection.connect(to: endpoint, name: "warren-consume")
            let topology = Topology(queueType: configuration.queueType)
            do {
                for queue in queues { try await topology.declare(queue: queue, on: connection) }
                deliveries = try await connection.consume(
                    queues: queues, prefetch: UInt16(min(options.prefetch, 65_535)))
            } catch {
                await connection.close()
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
        logger.info(
            "worker started",
            metadata: [
                LoggingKey.queue: "\(queues.joined(separator: ","))", "tasks": "\(registry.names.joined(separator: ","))",
                "concurrency": "\(options.concurrency)", "prefetch": "\(options.prefetch)",
            ])

        let pipeline = Pipeline(
            connection: connection, store: store, registry: registry, worker: options.name, logger: logger,
            batchSize: options.concurrency)
        let slots = ConcurrencyLimit(options.concurrency)
        var streamError: (any Error)?
        await withDiscardingTaskGroup { group in
            do {
                for try await delivery in deliveries.cancelOnGracefulShutdown() {
                    await pipeline.acks.received(delivery.deliveryTag)
                    await slots.acquire()
                    group.addTask {
                        await pipeline.handle(delivery)
                        await slots.release()
                    }
                }
            } catch {
                streamError = error
            }
            let running = await slots.count
            logger.info("worker draining", metadata: ["running": "\(running)"])
            let drained = await slots.waitUntilIdle(timeout: self.options.gracePeriod)
            if !drained {
                logger.warning("grace period over; cancelling running tasks (they will be redelivered)")
                group.cancelAll()
            }
        }
        await connection.close()
        await pool.close()
        if let streamError {
            logger.error("consumer stopped", metadata: [LoggingKey.error: "\(streamError)"])
            throw streamError
        }
        logger.info("worker stopped")
    }
}

/// The per-delivery work of a ``Worker``, with its batched writes and acks.
private final class Pipeline: Sendable {
    let acks: Acknowledger
    private let connection: AMQPConnection
    private let store: TaskStore
    private let registry: TaskRegistry
    private let worker: String
    private let logger: Logger
    private let starts: Batcher<TaskEnvelope, Int?>
    private let outcomes: Batcher<(AttemptOutcome, UInt64), Bool>

    init(
        connection: AMQPConnection, store: TaskStore, registry: TaskRegistry, worker: String, logger: Logger,
        batchSize: Int
    ) {
        let acks = Acknowledger(connection: connection)
        self.acks = acks
        self.connection = connection
        self.store = store
        self.registry = registry
        self.worker = worker
        self.logger = logger
        self.starts = Batcher(maximumBatchSize: batchSize) { envelopes in
            // One message may not be started twice in one statement; later copies see it STARTED.
            do {
                let attempts = try await store.start(Array(uniqueByID: envelopes), worker: worker)
                return envelopes.map { .success(attempts[$0.id]) }
            } catch {
                return envelopes.map { _ in .failure(error) }
            }
        }
        self.outcomes = Batcher(maximumBatchSize: batchSize) { entries in
            do {
                let recorded = try await store.finish(entries.map(\.0), worker: worker)
                await acks.done(entries.map(\.1))
                return entries.map { .success(recorded.contains($0.0.id)) }
            } catch {
                return entries.map { _ in .failure(error) }
            }
        }
    }

    func handle(_ delivery: AMQPDelivery) async {
        let envelope: TaskEnvelope
        do {
            envelope = try TaskEnvelope(decoding: delivery.body)
        } catch {
            await deadLetter(
                delivery, taskID: delivery.properties.messageID.flatMap(UUID.init(uuidString:)), envelope: nil,
                error: TaskError(type: "InvalidMessage", message: "\(error)", reason: "invalid_message"))
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
                    reason: "unknown_task"))
            return
        }
        let attempt: Int
        do {
            guard let started = try await starts.submit(envelope) else {
                logger.debug("already finished; acking without running")
                await acks.done([delivery.deliveryTag])
                return
            }
            attempt = started
        } catch {
            await giveBack(delivery, error, logger)
            return
        }
        logger[metadataKey: LoggingKey.taskAttempt] = "\(attempt)"
        let context = TaskContext(id: envelope.id, name: envelope.task, queue: envelope.queue, attempt: attempt, logger: logger)
        var outcome = AttemptOutcome(id: envelope.id, attempt: attempt, state: .success, result: nil, error: nil)
        do {
            outcome.result = try await entry.run(envelope.args, context)
        } catch where Task.isCancelled {
            // The worker is stopping past its grace period: record nothing and leave the delivery
            // unacked, so the broker gives it to another worker when this connection closes.
            logger.notice("task cancelled by shutdown; it will be redelivered")
            return
        } catch {
            outcome.state = .failure
            outcome.error = TaskError(describing: error)
            logger.info("task failed", metadata: [LoggingKey.error: "\(outcome.error!)"])
        }
        do {
            let recorded = try await outcomes.submit((outcome, delivery.deliveryTag))
            if !recorded { logger.notice("outcome not recorded: a newer attempt owns the task") }
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// Publishes the message to `<queue>.dead` with the reason in its headers, records it, then acks.
    private func deadLetter(_ delivery: AMQPDelivery, taskID: UUID?, envelope: TaskEnvelope?, error: TaskError) async {
        let queue = delivery.routingKey
        logger.warning(
            "dead-lettering a message",
            metadata: [LoggingKey.queue: "\(queue)", LoggingKey.reason: "\(error.reason ?? "")", LoggingKey.error: "\(error.message)"])
        var properties = delivery.properties
        properties.persistent = true
        properties.headers["x-warren-reason"] = .string(error.reason ?? "unknown")
        properties.headers["x-warren-error"] = .string(String(error.message.prefix(1000)))
        properties.headers["x-warren-original-queue"] = .string(queue)
        properties.headers["x-warren-dead-lettered-at"] = .timestamp(UInt64(Date().timeIntervalSince1970))
        do {
            try await connection.publish(
                AMQPOutgoingMessage(
                    exchange: Topology.deadLetterExchange, routingKey: queue, properties: properties, body: delivery.body))
            try await store.recordDeadLetter(
                queue: queue, taskID: taskID, envelope: envelope, error: error, body: delivery.body, worker: worker)
            await acks.done([delivery.deliveryTag])
        } catch {
            await giveBack(delivery, error, logger)
        }
    }

    /// The outcome could not be recorded: leave the delivery unacked-then-requeued so it runs again.
    private func giveBack(_ delivery: AMQPDelivery, _ error: any Error, _ logger: Logger) async {
        logger.error("could not record; requeueing the delivery", metadata: [LoggingKey.error: "\(error)"])
        await acks.requeue(delivery.deliveryTag)
    }
}

/// Sends acks for finished deliveries, `multiple` where it can (see ``AckTracker``).
///
/// Acks and nacks are queued on the connection in the same actor step that updates the tracker,
/// so they reach the broker in the tracker's order: a `multiple` ack can never overtake the nack
/// of a delivery it would otherwise cover.
private actor Acknowledger {
    private let connection: AMQPConnection
    private var tracker = AckTracker()

    init(connection: AMQPConnection) {
        self.connection = connection
    }

    func received(_ tag: UInt64) {
        tracker.received(tag)
    }

    func done(_ tags: [UInt64]) {
        for ack in tracker.done(tags) { connection.enqueueAck(ack.tag, multiple: ack.multiple) }
    }

    func requeue(_ tag: UInt64) {
        tracker.settled(tag)
        connection.enqueueNack(tag, requeue: true)
    }
}

extension Array where Element == TaskEnvelope {
    fileprivate init(uniqueByID envelopes: [TaskEnvelope]) {
        var seen: Set<UUID> = []
        self = envelopes.filter { seen.insert($0.id).inserted }
    }
}
