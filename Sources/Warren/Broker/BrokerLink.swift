import Logging
import WarrenAMQP
import WarrenCore

/// A publishing connection to RabbitMQ that connects on first use, reconnects after a loss, and
/// declares each queue's topology before the first publish to it (and the delay queues before
/// the first delayed message).
actor BrokerLink {
    private let endpoint: AMQPEndpoint
    private let topology: Topology
    private let name: String
    private let logger: Logger
    private var connection: AMQPConnection?
    private var connecting: Task<AMQPConnection, any Error>?
    private var declaredQueues: Set<String> = []
    private var declaredDelays = false

    init(endpoint: AMQPEndpoint, topology: Topology, name: String, logger: Logger) {
        self.endpoint = endpoint
        self.topology = topology
        self.name = name
        self.logger = logger
    }

    /// Publishes the tasks' messages, waiting for every confirm; declares any queue not yet declared.
    ///
    /// The messages are made once the declarations are done: a delayed message's wait is measured
    /// from then, so the time a fresh connection spends connecting and declaring (seconds, on a
    /// busy broker) does not make its first countdowns late.
    func publish(_ tasks: [NewTask]) async throws {
        let connection = try await connected()
        do {
            if !declaredDelays, tasks.contains(where: { $0.eta != nil }) {
                try await topology.declareDelays(on: connection)
                declaredDelays = true
            }
            for queue in Set(tasks.map(\.queue)) { try await declareIfNeeded(queue, on: connection) }
            try await connection.publish(try tasks.map { try TaskMessages.submission($0) })
        } catch {
            await dropIfDead(connection)
            throw error
        }
    }

    /// Declares `queue` and its dead-letter queue, if this connection has not yet.
    func declare(queue: String) async throws {
        let connection = try await connected()
        do {
            try await declareIfNeeded(queue, on: connection)
        } catch {
            await dropIfDead(connection)
            throw error
        }
    }

    private func declareIfNeeded(_ queue: String, on connection: AMQPConnection) async throws {
        guard !declaredQueues.contains(queue) else { return }
        try await topology.declare(queue: queue, on: connection)
        declaredQueues.insert(queue)
    }

    /// How many messages wait in `queue` and how many consumers it has; nil when there is no such
    /// queue. The broker closes the connection over a queue that does not exist, so ask a link
    /// that does not publish.
    func inspect(_ queue: String) async throws -> AMQPQueueInfo? {
        let connection = try await connected()
        do {
            return try await connection.declareQueue(queue, passive: true)
        } catch let error as AMQPError where error.replyCode == 404 {
            await dropIfDead(connection)
            return nil
        } catch {
            await dropIfDead(connection)
            throw error
        }
    }

    /// True when a connection is open or can be opened now.
    func isReachable() async -> Bool {
        (try? await connected()) != nil
    }

    func close() async {
        await connection?.close()
        connection = nil
    }

    private func connected() async throws -> AMQPConnection {
        if let connection {
            if connection.isOpen { return connection }
            await drop(connection)
        }
        if let connecting { return try await connecting.value }
        let endpoint = self.endpoint
        let name = self.name
        let task = Task { try await AMQPConnection.connect(to: endpoint, name: name) }
        connecting = task
        defer { connecting = nil }
        let connection = try await task.value
        logger.debug("connected to RabbitMQ", metadata: [LoggingKey.amqpURL: "\(endpoint.redacted)"])
        self.connection = connection
        declaredQueues.removeAll()
        declaredDelays = false
        return connection
    }

    private func dropIfDead(_ suspect: AMQPConnection) async {
        guard connection === suspect, !suspect.isOpen else { return }
        await drop(suspect)
    }

    private func drop(_ dead: AMQPConnection) async {
        if connection === dead {
            connection = nil
            declaredQueues.removeAll()
            declaredDelays = false
        }
        await dead.close()  // ends its thread
    }
}
