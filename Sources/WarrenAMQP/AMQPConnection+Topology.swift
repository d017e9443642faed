internal import CRabbitMQ

extension AMQPConnection {
    /// Declares exchanges, queues and bindings in one round trip (each is idempotent when its
    /// arguments match what exists).
    ///
    /// Each is sent without waiting for a reply, and then one passive check of the standard
    /// exchange `amq.direct` waits for them all: the broker handles a channel's methods in order
    /// and closes the channel at the first one that fails, so the check's answer is either that
    /// all of them were done or the failure. Declaring Warren's delay cascade (some 90 methods)
    /// one reply at a time took seconds on a busy broker.
    /// - Throws: ``AMQPError`` `channelClosed` with the broker's reply code (406 when a declaration's
    ///   arguments differ from an existing queue's or exchange's); the connection is then closed.
    public func declare(_ declarations: [AMQPDeclaration]) async throws {
        if declarations.isEmpty { return }
        try await call("declare \(declarations.count) exchanges, queues and bindings") { [self] state, arena in
            for declaration in declarations {
                let status = declaration.sendWithoutReply(on: state, channel: Self.channel, arena: arena)
                if status != AMQP_STATUS_OK.rawValue { throw libraryError(status, "declare \(declaration)") }
            }
            _ = amqp_exchange_declare(
                state, Self.channel, arena.bytes("amq.direct"), arena.bytes("direct"), 1, 0, 0, 0, amqp_empty_table)
        }
    }
    /// Declares one queue, or with `passive` only checks that it exists, and reports its depth.
    /// - Throws: ``AMQPError`` `channelClosed` with reply code 404 when a passive declare finds no queue,
    ///   406 when the arguments differ from the existing queue's.
    @discardableResult
    public func declareQueue(
        _ name: String, durable: Bool = true, passive: Bool = false, arguments: AMQPTable = [:]
    ) async throws -> AMQPQueueInfo {
        try await call("declare queue \(name)") { state, arena in
            guard
                let ok = amqp_queue_declare(
                    state, Self.channel, arena.bytes(name), passive ? 1 : 0, durable ? 1 : 0, 0, 0,
                    arena.table(arguments))
            else { return AMQPQueueInfo(name: name, messageCount: 0, consumerCount: 0) }
            return AMQPQueueInfo(
                name: String(ok.pointee.queue), messageCount: Int(ok.pointee.message_count),
                consumerCount: Int(ok.pointee.consumer_count))
        }
    }

    /// Removes every ready message from a queue and returns how many there were.
    @discardableResult
    public func purgeQueue(_ name: String) async throws -> Int {
        try await call("purge queue \(name)") { state, arena in
            Int(amqp_queue_purge(state, Self.channel, arena.bytes(name))?.pointee.message_count ?? 0)
        }
    }

    /// Deletes a queue and the messages in it.
    public func deleteQueue(_ name: String) async throws {
        try await call("delete queue \(name)") { state, arena in
            _ = amqp_queue_delete(state, Self.channel, arena.bytes(name), 0, 0)
        }
    }
}
