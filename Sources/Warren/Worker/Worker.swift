import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import WarrenAMQP
public import WarrenCore
import WarrenPostgres

/// Consumes tasks from queues, runs them, records their outcomes, then acks.
///
/// The pipeline for each delivery: decode the envelope (a message that cannot be decoded, or
/// names a task this worker does not know, goes to `<queue>.dead` with its reason); start the
/// attempt in PostgreSQL (a task already finished is acked without running); run it; record
/// SUCCESS or FAILURE (fenced by the attempt number); ack once that has committed. A first
/// delivery's start is written only once the task has run for `recordStartAfter`, or with its
/// outcome if it ends sooner. Starts and outcomes of concurrent tasks are written in batches, and
/// acks go out with `multiple`.
///
/// A paused queue (`warren queues pause`) is not consumed: within a second of the pause the worker
/// cancels its consumer, and gives back the deliveries from it that have not started
/// (``QueueConsumers``); within a second of the resume it consumes it again.
///
/// On graceful shutdown (SIGTERM, SIGINT) it stops taking deliveries, lets running tasks finish
/// within `gracePeriod`, and returns; deliveries it never started go back to the queue.
///
/// It never stops for a lost connection: it reconnects to RabbitMQ (and PostgreSQL) with capped,
/// jittered backoff, redeclares its queues and consumes again. Nothing is acked that was not
/// recorded; the broker redelivers what the lost connection held, and the attempt fencing keeps
/// a late outcome from the old delivery from overwriting the new attempt's.
public final class Worker: Service {

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
        var seen: Set<String> = []
        // Each queue once: its name is its consumer's tag, which RabbitMQ takes once per channel.
        let queues = (options.queues.isEmpty ? registry.queues : options.queues).filter { seen.insert($0).inserted }
        for queue in queues { try Names.validate(queue: queue) }
        for name in registry.entries.keys { try Names.validate(task: name) }
        // Three for the batched statements, one for tasks that read the database (TaskContext.database).
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 4)
        let store = TaskStore(pool: pool)
        let types = registry.entries.values.map {
            AdvertisedTaskType(
                name: $0.name, queue: $0.options.queue, schema: $0.schema, retry: $0.options.retry,
                rateLimit: $0.options.rateLimit)
        }.sorted { $0.name < $1.name }
        var backoff = Backoff()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await store.advertise(types, consuming: queues)
                break
            } catch {
                await waitToRetry(after: error, reaching: "PostgreSQL", &backoff)
            }
        }
        backoff.reset()

        // Deliveries of a lost connection are redelivered by the broker; their tasks, still running
        // here, finish into the same task group and concurrency limit as the new connection's.
        let slots = ConcurrencyLimit(options.concurrency)
        let prefetch = min(options.prefetch, 65_535)  // AMQP's prefetch count is 16 bits
        let topology = Topology(queueType: configuration.queueType)
        let logger = self.logger
        let watchdog = TimeLimitWatchdog(
            runawayGrace: options.runawayGrace, revokedAmong: { try await store.revoked(among: $0) },
            onRunaway: { count in
                logger.critical(
                    "tasks still running long past their hard time limit ignore cancellation; exiting so a supervisor restarts the worker",
                    metadata: [LoggingKey.count: "\(count)"])
                exit(70)
            })
        let consumers = QueueConsumers(queues: queues, store: store, logger: logger)
        let tally = QueueTally()
        let progress = ProgressReports(store: store, worker: options.name, logger: logger)
        var live: (connection: AMQPConnection, pipeline: Pipeline)?
        await withDiscardingTaskGroup { group in
            group.addTask { await watchdog.run() }
            group.addTask { await consumers.run() }
            group.addTask { await tally.run(store: store, logger: logger) }
            group.addTask { await progress.run() }
            var connected = false
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let connection: AMQPConnection
                let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>
                do {
                    connection = try await AMQPConnection.connect(to: endpoint, name: "warren-consume")
                    do {
                        try await topology.declareDelays(on: connection)
                        for queue in queues { try await topology.declare(queue: queue, on: connection) }
                        deliveries = try await consumers.start(on: connection, prefetch: UInt16(prefetch))
                    } catch {
                        await connection.close()
                        throw error
                    }
                } catch {
                    await waitToRetry(after: error, reaching: "RabbitMQ", &backoff)
                    continue
                }
                backoff.reset()
                logger.info(
                    connected ? "worker reconnected" : "worker started",
                    metadata: [
                        LoggingKey.queue: "\(queues.joined(separator: ","))",
                        LoggingKey.tasks: "\(registry.names.joined(separator: ","))",
                        LoggingKey.concurrency: "\(options.concurrency)", LoggingKey.prefetch: "\(options.prefetch)",
                    ])
                connected = true
                let pipeline = Pipeline(
                    connection: connection, store: store, registry: registry, worker: options.name, logger: logger,
                    concurrency: options.concurrency, prefetch: prefetch, watchdog: watchdog,
                    recordStartAfter: options.recordStartAfter, ackDelay: options.ackDelay,
                    maximumMessageBytes: configuration.maximumMessageBytes,
                    maximumResultBytes: configuration.maximumResultBytes, tally: tally, progress: progress)
                do {
                    for try await delivery in deliveries.cancelOnGracefulShutdown() {
                        // Once the connection has failed, the broker has requeued all it had not
                        // acked: what is still buffered here, or waiting for a slot, is dropped,
                        // not run (it would run twice), and the stream's error comes next.
                        guard await slots.acquire(unless: { !connection.isOpen }) else { continue }
                        await pipeline.acks.received(delivery.deliveryTag)
                        if consumers.isPaused(delivery.consumerTag) {
                            await pipeline.acks.requeue(delivery.deliveryTag)
                            await slots.release()
                            continue
                        }
                        let waited = ContinuousClock.now - delivery.receivedAt
                        if waited > options.consumerTimeout / 2 {
                            logger.notice(
                                "a delivery waited half the consumer timeout for a slot; it goes back to the queue instead of starting",
                                metadata: [LoggingKey.waited: "\(waited)"])
                            await pipeline.acks.requeue(delivery.deliveryTag)
                            await slots.release()
                            continue
                        }
                        group.addTask {
                            await pipeline.handle(delivery)
                            await slots.release()
                        }
                    }
                    live = (connection, pipeline)  // a graceful shutdown: it acks what still finishes
                    break
                } catch {
                    logger.error(
                        "lost the connection to RabbitMQ; reconnecting (its unacked deliveries go back to the queue)",
                        metadata: [LoggingKey.error: "\(error)"])
                    await connection.close()
                }
            }
            let running = await slots.count
            logger.info("worker draining", metadata: [LoggingKey.running: "\(running)"])
            let drained = await slots.waitUntilIdle(timeout: self.options.gracePeriod)
            if !drained {
                logger.warning("grace period over; cancelling running tasks (they will be redelivered)")
            }
            group.cancelAll()
        }
        if let live {
            await live.pipeline.acks.flush()
            await live.connection.close()
        }
        await tally.flush(store: store, logger: logger)
        await pool.close()
        logger.info("worker stopped")
    }

    /// Logs that `server` could not be reached and waits the backoff's next delay (less, if a
    /// graceful shutdown comes first).
    private func waitToRetry(after error: any Error, reaching server: String, _ backoff: inout Backoff) async {
        let wait = backoff.next()
        logger.warning(
            "cannot reach \(server); retrying", metadata: [LoggingKey.error: "\(error)", LoggingKey.retryIn: "\(wait)"])
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
    }
}
