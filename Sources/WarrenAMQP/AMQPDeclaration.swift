internal import CRabbitMQ

/// One durable exchange, queue or binding to declare (see ``AMQPConnection/declare(_:)``).
public enum AMQPDeclaration: Sendable, Equatable {
    /// A durable exchange of `type` (`direct`, `topic`, …).
    case exchange(String, type: String = "direct")
    /// A durable queue with `arguments`.
    case queue(String, arguments: AMQPTable = [:])
    /// A binding of a queue to an exchange with a routing key.
    case queueBinding(queue: String, exchange: String, routingKey: String)
    /// A binding of exchange `destination` to exchange `source`: what `source` routes with a
    /// matching key goes on to `destination`.
    case exchangeBinding(destination: String, source: String, routingKey: String)

    /// Sends the declaration with AMQP's no-wait flag: the broker answers only if it fails, by
    /// closing the channel.
    func sendWithoutReply(on state: amqp_connection_state_t, channel: amqp_channel_t, arena: CArena) -> Int32 {
        switch self {
        case .exchange(let name, let type):
            var method = amqp_exchange_declare_t(
                ticket: 0, exchange: arena.bytes(name), type: arena.bytes(type), passive: 0, durable: 1,
                auto_delete: 0, internal: 0, nowait: 1, arguments: amqp_empty_table)
            return amqp_send_method(state, channel, AMQP_EXCHANGE_DECLARE_METHOD, &method)
        case .queue(let name, let arguments):
            var method = amqp_queue_declare_t(
                ticket: 0, queue: arena.bytes(name), passive: 0, durable: 1, exclusive: 0, auto_delete: 0,
                nowait: 1, arguments: arena.table(arguments))
            return amqp_send_method(state, channel, AMQP_QUEUE_DECLARE_METHOD, &method)
        case .queueBinding(let queue, let exchange, let routingKey):
            var method = amqp_queue_bind_t(
                ticket: 0, queue: arena.bytes(queue), exchange: arena.bytes(exchange),
                routing_key: arena.bytes(routingKey), nowait: 1, arguments: amqp_empty_table)
            return amqp_send_method(state, channel, AMQP_QUEUE_BIND_METHOD, &method)
        case .exchangeBinding(let destination, let source, let routingKey):
            var method = amqp_exchange_bind_t(
                ticket: 0, destination: arena.bytes(destination), source: arena.bytes(source),
                routing_key: arena.bytes(routingKey), nowait: 1, arguments: amqp_empty_table)
            return amqp_send_method(state, channel, AMQP_EXCHANGE_BIND_METHOD, &method)
        }
    }
}
