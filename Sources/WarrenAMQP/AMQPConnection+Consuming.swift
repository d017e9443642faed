internal import CRabbitMQ
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

extension AMQPConnection {
    /// Starts consuming from `queues` with manual acks and at most `prefetch` unacked deliveries.
    /// Call once per connection; the stream ends with an error when the connection is lost. Each
    /// queue's consumer tag is the queue's name, and so is each of its deliveries' ``AMQPDelivery/consumerTag``.
    public func consume(queues: [String], prefetch: UInt16) async throws -> AsyncThrowingStream<AMQPDelivery, any Error>
    {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AMQPDelivery.self, throwing: (any Error).self)
        try await call("consume \(queues.joined(separator: ","))") { [self] state, arena in
            _ = amqp_basic_qos(state, Self.channel, 0, prefetch, 0)
            try check(amqp_get_rpc_reply(state), "set prefetch")
            for queue in queues { try startConsumer(state, arena, queue) }
            deliveries = continuation
        }
        return stream
    }

    /// Starts consuming `queue` too, into the stream ``consume(queues:prefetch:)`` returned.
    public func consume(queue: String) async throws {
        try await call("consume \(queue)") { [self] state, arena in try startConsumer(state, arena, queue) }
    }

    /// Stops consuming `queue`: no delivery from it arrives after those the broker sent before
    /// it heard this. They stay unacked until acked or given back.
    public func cancelConsuming(queue: String) async throws {
        try await call("stop consuming \(queue)") { [self] state, arena in
            _ = amqp_basic_cancel(state, Self.channel, arena.bytes(queue))
            try check(amqp_get_rpc_reply(state), "stop consuming \(queue)")
        }
    }

    private func startConsumer(_ state: amqp_connection_state_t, _ arena: CArena, _ queue: String) throws {
        _ = amqp_basic_consume(state, Self.channel, arena.bytes(queue), arena.bytes(queue), 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), "consume \(queue)")
    }

    /// Fetches one message with `basic.get` (manual ack), or nil when the queue is empty.
    public func get(queue: String) async throws -> AMQPDelivery? {
        try await call("get from \(queue)") { [self] state, arena -> AMQPDelivery? in
            let reply = amqp_basic_get(state, Self.channel, arena.bytes(queue), 0)
            try check(reply, "get from \(queue)")
            guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD,
                let ok = reply.reply.decoded?.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
            else { return nil }
            return try readContent(
                state, tag: ok.delivery_tag, redelivered: ok.redelivered != 0, exchange: String(ok.exchange),
                routingKey: String(ok.routing_key), consumerTag: "")
        }
    }

    /// Acknowledges a delivery, or with `multiple` every unacked delivery up to and including it.
    public func ack(_ deliveryTag: UInt64, multiple: Bool = false) async throws {
        try await send("ack") { state in amqp_basic_ack(state, Self.channel, deliveryTag, multiple ? 1 : 0) }
    }

    /// Rejects a delivery; with `requeue: false` the queue dead-letters it (if it has a dead-letter exchange).
    public func reject(_ deliveryTag: UInt64, requeue: Bool) async throws {
        try await send("reject") { state in amqp_basic_reject(state, Self.channel, deliveryTag, requeue ? 1 : 0) }
    }

    /// Queues an ack without waiting for it to be written. Acks and nacks queued by one caller go
    /// out in the order they were queued; a failure to send closes the connection, so the broker
    /// redelivers whatever was not acked.
    public func enqueueAck(_ deliveryTag: UInt64, multiple: Bool) {
        enqueueSend("ack") { state in amqp_basic_ack(state, Self.channel, deliveryTag, multiple ? 1 : 0) }
    }

    /// Queues a nack without waiting, in order with ``enqueueAck(_:multiple:)``.
    public func enqueueNack(_ deliveryTag: UInt64, multiple: Bool = false, requeue: Bool) {
        enqueueSend("nack") { state in
            amqp_basic_nack(state, Self.channel, deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0)
        }
    }

    /// Negatively acknowledges a delivery, or with `multiple` every unacked one up to it.
    public func nack(_ deliveryTag: UInt64, multiple: Bool = false, requeue: Bool) async throws {
        try await send("nack") { state in
            amqp_basic_nack(state, Self.channel, deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0)
        }
    }

    /// Reads every frame that is ready, without waiting, and dispatches it.
    func readFrames() {
        var frame = amqp_frame_t()
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        while let state, failure == nil {
            let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { break }
            if status != AMQP_STATUS_OK.rawValue {
                fail(libraryError(status, "read from the broker"))
                return
            }
            guard frame.frame_type == AMQP_FRAME_METHOD else { continue }
            do {
                try dispatch(state, frame)
            } catch let error as AMQPError {
                fail(error)
                return
            } catch {
                fail(AMQPError(.protocolError, operation: "read from the broker", text: "\(error)"))
                return
            }
        }
        if let state { amqp_maybe_release_buffers(state) }
    }

    func dispatch(_ state: amqp_connection_state_t, _ frame: amqp_frame_t) throws {
        let method = frame.payload.method
        switch method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = method.decoded!.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let delivery = try readContent(
                state, tag: deliver.delivery_tag, redelivered: deliver.redelivered != 0,
                exchange: String(deliver.exchange), routingKey: String(deliver.routing_key),
                consumerTag: String(deliver.consumer_tag))
            deliveries?.yield(delivery)
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            confirm(upTo: ack.delivery_tag, multiple: ack.multiple != 0, nacked: false)
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            confirm(upTo: nack.delivery_tag, multiple: nack.multiple != 0, nacked: true)
        case AMQP_BASIC_RETURN_METHOD:
            // Warren never publishes with `mandatory`; drain the returned content and go on.
            var message = amqp_message_t()
            _ = amqp_read_message(state, frame.channel, &message, 0)
            amqp_destroy_message(&message)
        case AMQP_BASIC_CANCEL_METHOD:
            throw AMQPError(.consumerCancelled, operation: "consume", text: "the broker cancelled the consumer")
        case AMQP_CHANNEL_CLOSE_METHOD, AMQP_CONNECTION_CLOSE_METHOD:
            try check(
                amqp_rpc_reply_t(reply_type: AMQP_RESPONSE_SERVER_EXCEPTION, reply: method, library_error: 0),
                "read from the broker")
        default:
            break
        }
    }

    func readContent(
        _ state: amqp_connection_state_t, tag: UInt64, redelivered: Bool, exchange: String, routingKey: String,
        consumerTag: String
    ) throws -> AMQPDelivery {
        var message = amqp_message_t()
        try check(amqp_read_message(state, Self.channel, &message, 0), "read message content")
        defer { amqp_destroy_message(&message) }
        return AMQPDelivery(
            deliveryTag: tag, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
            consumerTag: consumerTag, properties: AMQPProperties(message.properties), body: [UInt8](message.body))
    }
}
