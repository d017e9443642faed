import Logging
import Synchronization
import WarrenAMQP
import WarrenCore

/// Which of a worker's queues it consumes: all but the paused ones (`warren.queue_pauses`), read
/// at each connect and every ``refreshInterval`` after. A queue paused meanwhile has its consumer
/// cancelled; one resumed is consumed again.
actor QueueConsumers {
    static let refreshInterval = Duration.milliseconds(500)

    private let queues: [String]
    private let store: TaskStore
    private let logger: Logger
    private var connection: AMQPConnection?
    private var consumed: Set<String> = []
    /// Counts connections: a refresh that read the pauses before the latest ``start(on:prefetch:)``
    /// acts on nothing (the actor is reentrant: each `await` lets the other run).
    private var generation = 0
    /// The queues paused as last read: deliveries from them that have not started go back.
    private let paused = Mutex<Set<String>>([])

    init(queues: [String], store: TaskStore, logger: Logger) {
        self.queues = queues
        self.store = store
        self.logger = logger
    }

    /// Whether `queue` is paused (as last read): a delivery from it is given back, not started.
    nonisolated func isPaused(_ queue: String) -> Bool {
        paused.withLock { $0.contains(queue) }
    }

    /// Consumes, on a new connection, every queue that is not paused.
    func start(on connection: AMQPConnection, prefetch: UInt16) async throws -> AsyncThrowingStream<
        AMQPDelivery, any Error
    > {
        self.connection = nil
        generation += 1
        let pausedNow = Set(try await store.pauses(among: queues).keys)
        paused.withLock { $0 = pausedNow }
        let consumed = queues.filter { !pausedNow.contains($0) }
        let deliveries = try await connection.consume(queues: consumed, prefetch: prefetch)
        self.connection = connection
        self.consumed = Set(consumed)
        if !pausedNow.isEmpty {
            logger.notice(
                "paused; not consuming", metadata: [LoggingKey.queue: "\(pausedNow.sorted().joined(separator: ","))"])
        }
        return deliveries
    }

    /// Reads the pauses every ``refreshInterval`` and follows them, until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.refreshInterval)
            await refresh()
        }
    }

    private func refresh() async {
        let generation = self.generation
        let read = try? Set(await store.pauses(among: queues).keys)
        // This read every second is the worker's probe of PostgreSQL.
        TaskMetrics.connection("postgresql", up: read != nil)
        TaskMetrics.connection("rabbitmq", up: connection?.isOpen == true)
        guard let pausedNow = read, generation == self.generation else { return }
        guard let connection, connection.isOpen else {
            paused.withLock { $0 = pausedNow }
            return
        }
        do {
            for queue in queues where pausedNow.contains(queue) && consumed.contains(queue) {
                try await connection.cancelConsuming(queue: queue)
                guard self.connection === connection else { return }
                consumed.remove(queue)
                logger.notice("queue paused; no longer consuming it", metadata: [LoggingKey.queue: "\(queue)"])
            }
            // Marked paused once its consumer is gone: deliveries it sent before then, still
            // waiting for a slot, go back instead of starting.
            paused.withLock { $0 = pausedNow }
            for queue in queues where !pausedNow.contains(queue) && !consumed.contains(queue) {
                try await connection.consume(queue: queue)
                guard self.connection === connection else { return }
                consumed.insert(queue)
                logger.notice("queue resumed; consuming it again", metadata: [LoggingKey.queue: "\(queue)"])
            }
        } catch {
            // The connection failed: the worker reconnects, and starts from the pauses then.
            logger.debug("could not follow a pause", metadata: [LoggingKey.error: "\(error)"])
        }
    }
}
