internal import CRabbitMQ
import Synchronization
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

/// One connection to RabbitMQ, with one channel in publisher-confirm mode.
///
/// Every librabbitmq call runs on the connection's own thread; the methods here are `async` and
/// never block the caller. Publishes are confirmed in windows: each publish is written at once
/// and its caller waits only for its own confirm, so many publishes are in flight together.
/// Deliveries of a consumer arrive as an `AsyncThrowingStream`; ack them on this connection.
///
/// When the connection is lost, every waiting publish fails with the error (nothing is dropped
/// silently), the delivery stream ends with it, and every later call throws it. Make a new
/// connection to go on.
public final class AMQPConnection: @unchecked Sendable {
    /// The broker this connection talks to.
    public let endpoint: AMQPEndpoint
    private let thread: ConnectionThread
    private static let channel: amqp_channel_t = 1
    /// Whether `failure` is set, readable from anywhere.
    private let failed = Atomic<Bool>(false)

    // Everything below is touched only on `thread`.
    private var state: amqp_connection_state_t?
    private var failure: AMQPError? {
        didSet { failed.store(failure != nil, ordering: .relaxed) }
    }
    private var confirms = ConfirmWindow()
    /// The callers of `publish(_:)` waiting for their batch's confirms.
    private var publishers: [ConfirmWindow.Batch: CheckedContinuation<Void, any Error>] = [:]
    private var deliveries: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation?

    private init(endpoint: AMQPEndpoint, thread: ConnectionThread) {
        self.endpoint = endpoint
        self.thread = thread
    }

    /// A connection dropped without ``close()`` still frees its C state and ends its thread. No
    /// job can be running: each holds the connection, so it could not be deinitializing.
    deinit {
        let handle = state.map(ThreadOwnedHandle.init)
        let thread = self.thread
        thread.enqueue {
            thread.watch(nil)
            if let handle { amqp_destroy_connection(handle.pointer) }
        }
        thread.stop()
    }

    /// Connects, runs `body` with the connection, and closes it, whether `body` returns or throws.
    public static func withConnection<Result: Sendable>(
        to endpoint: AMQPEndpoint, name: String = "warren-amqp", _ body: (AMQPConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(to: endpoint, name: name)
        return try await closing(connection.close) { try await body(connection) }
    }

    /// Connects, logs in, opens a channel and puts it in confirm mode.
    /// - Parameters:
    ///   - endpoint: the broker.
    ///   - name: the connection thread's name, for `top -H` and debuggers.
    /// - Throws: ``AMQPError`` (`connectionRefused`, `accessRefused`, …).
    public static func connect(to endpoint: AMQPEndpoint, name: String = "warren-amqp") async throws
        -> AMQPConnection
    {
        let connection = AMQPConnection(endpoint: endpoint, thread: ConnectionThread(name: name))
        do {
            try await connection.thread.run { try connection.open() }
        } catch {
            connection.thread.stop()
            throw error
        }
        return connection
    }

    /// Closes the channel and the connection politely. Waiting publishes fail.
    public func close() async {
        _ = try? await thread.run { [self] in
            if let state, failure == nil {
                _ = amqp_channel_close(state, Self.channel, AMQP_REPLY_SUCCESS)
                _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
            }
            fail(AMQPError(.connectionClosed, operation: "close", text: "closed by the client"))
        }
        thread.stop()
    }

    /// Whether the connection is still usable (read without waiting for its thread).
    public var isOpen: Bool { !failed.load(ordering: .relaxed) }

    // MARK: Topology

    /// Declares an exchange (idempotent when the arguments match).
    public func declareExchange(_ name: String, type: String = "direct", durable: Bool = true) async throws {
        try await call("declare exchange \(name)") { state, arena in
            _ = amqp_exchange_declare(
                state, Self.channel, arena.bytes(name), arena.bytes(type), 0, durable ? 1 : 0, 0, 0, amqp_empty_table)
        }
    }

    /// Declares a queue, or with `passive` only checks that it exists, and reports its depth.
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

    /// Binds a queue to an exchange with a routing key.
    public func bindQueue(_ queue: String, exchange: String, routingKey: String) async throws {
        try await call("bind queue \(queue) to \(exchange)") { state, arena in
            _ = amqp_queue_bind(
                state, Self.channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                amqp_empty_table)
        }
    }

    /// Binds exchange `destination` to exchange `source`: what `source` routes with a matching
    /// key goes on to `destination`.
    public func bindExchange(_ destination: String, to source: String, routingKey: String) async throws {
        try await call("bind exchange \(destination) to \(source)") { state, arena in
            _ = amqp_exchange_bind(
                state, Self.channel, arena.bytes(destination), arena.bytes(source), arena.bytes(routingKey),
                amqp_empty_table)
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

    // MARK: Publishing

    /// Publishes one persistent message and waits for the broker's confirm.
    public func publish(_ message: AMQPOutgoingMessage) async throws {
        try await publish([message])
    }

    /// Publishes messages back to back and waits until the broker has confirmed all of them.
    /// - Throws: ``AMQPError`` `publishNacked` if the broker refused any, or the connection's error if
    ///   it was lost first; then any of them may or may not have been taken.
    public func publish(_ messages: [AMQPOutgoingMessage]) async throws {
        if messages.isEmpty { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = thread.enqueue { [self] in
                guard let state, failure == nil else {
                    continuation.resume(throwing: failure ?? closedError("publish"))
                    return
                }
                let batch = confirms.begin(count: messages.count)
                publishers[batch] = continuation
                for message in messages {
                    let arena = CArena()
                    var properties = arena.properties(message.properties)
                    let status = message.body.withUnsafeBytes { body in
                        amqp_basic_publish(
                            state, Self.channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                            0, 0, &properties,
                            amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
                    }
                    _ = confirms.published(batch)
                    if status != AMQP_STATUS_OK.rawValue {
                        fail(libraryError(status, "publish to \(message.exchange)/\(message.routingKey)"))
                        return
                    }
                }
            }
            if !accepted { continuation.resume(throwing: closedError("publish")) }
        }
    }

    // MARK: Consuming

    /// Starts consuming from `queues` with manual acks and at most `prefetch` unacked deliveries.
    /// Call once per connection; the stream ends with an error when the connection is lost.
    public func consume(queues: [String], prefetch: UInt16) async throws -> AsyncThrowingStream<AMQPDelivery, any Error>
    {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AMQPDelivery.self, throwing: (any Error).self)
        try await call("consume \(queues.joined(separator: ","))") { [self] state, arena in
            _ = amqp_basic_qos(state, Self.channel, 0, prefetch, 0)
            try check(amqp_get_rpc_reply(state), "set prefetch")
            for queue in queues {
                _ = amqp_basic_consume(
                    state, Self.channel, arena.bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
                try check(amqp_get_rpc_reply(state), "consume \(queue)")
            }
            deliveries = continuation
        }
        return stream
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

    // MARK: On the connection's thread

    /// Runs an RPC-style librabbitmq call on the thread and checks the reply in one place.
    private func call<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (amqp_connection_state_t, CArena) throws -> T
    ) async throws -> T {
        try await thread.run { [self] in
            guard let state, failure == nil else { throw failure ?? closedError(operation) }
            let arena = CArena()
            do {
                let result = try body(state, arena)
                try check(amqp_get_rpc_reply(state), operation)
                if let state = self.state { amqp_maybe_release_buffers(state) }
                return result
            } catch let error as AMQPError {
                // The broker closed the channel or the connection: nothing on it works any more.
                fail(error)
                throw error
            }
        }
    }

    /// Queues a method with no reply (ack, nack, reject) without waiting; a failure closes the connection.
    private func enqueueSend(_ operation: String, _ body: @escaping @Sendable (amqp_connection_state_t) -> Int32) {
        thread.enqueue { [self] in try? sendOnThread(operation, body) }
    }

    /// Sends a method with no reply and waits until it is written.
    private func send(_ operation: String, _ body: @escaping @Sendable (amqp_connection_state_t) -> Int32)
        async throws
    {
        try await thread.run { [self] in try sendOnThread(operation, body) }
    }

    /// On the connection's thread: runs a librabbitmq call that returns a status, failing the
    /// connection if it did not succeed.
    private func sendOnThread(_ operation: String, _ body: (amqp_connection_state_t) -> Int32) throws {
        guard let state, failure == nil else { throw failure ?? closedError(operation) }
        let status = body(state)
        if status != AMQP_STATUS_OK.rawValue {
            let error = libraryError(status, operation)
            fail(error)
            throw error
        }
    }

    private func open() throws {
        guard let state = amqp_new_connection() else {
            throw AMQPError(.protocolError, operation: "connect", text: "out of memory")
        }
        self.state = state
        let socket = endpoint.tls ? amqp_ssl_socket_new(state) : amqp_tcp_socket_new(state)
        guard let socket else {
            fail(AMQPError(.protocolError, operation: "connect", text: "could not create a socket"))
            throw failure!
        }
        if endpoint.tls {
            amqp_ssl_socket_set_verify_peer(socket, 1)
            amqp_ssl_socket_set_verify_hostname(socket, 1)
            if access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0 {
                _ = amqp_ssl_socket_set_cacert(socket, "/etc/ssl/certs/ca-certificates.crt")
            }
        }
        var timeout = timeval(tv_sec: endpoint.connectionTimeout, tv_usec: 0)
        let status = amqp_socket_open_noblock(socket, endpoint.host, Int32(endpoint.port), &timeout)
        if status != AMQP_STATUS_OK.rawValue {
            let error = AMQPError(
                .connectionRefused, operation: "connect to \(endpoint.host):\(endpoint.port)",
                text: String(cString: amqp_error_string2(status)))
            fail(error)
            throw error
        }
        let operations: [(String, () -> amqp_rpc_reply_t)] = [
            (
                "log in as \(endpoint.user) to vhost \(endpoint.virtualHost)",
                { [endpoint] in
                    warren_amqp_login_plain(
                        state, endpoint.virtualHost, 0, 131_072, Int32(endpoint.heartbeat), endpoint.user,
                        endpoint.password)
                }
            ),
            (
                "open channel",
                {
                    _ = amqp_channel_open(state, Self.channel)
                    return amqp_get_rpc_reply(state)
                }
            ),
            (
                "enable publisher confirms",
                {
                    _ = amqp_confirm_select(state, Self.channel)
                    return amqp_get_rpc_reply(state)
                }
            ),
        ]
        for (operation, run) in operations {
            do {
                try check(run(), operation)
            } catch let error as AMQPError {
                fail(error)
                throw error
            }
        }
        // Sleep in poll for at most half a heartbeat so librabbitmq can send ours in time.
        let idle = endpoint.heartbeat > 0 ? Int32(min(endpoint.heartbeat * 500, 5_000)) : 5_000
        thread.watch(
            ConnectionThread.SocketWatcher(
                descriptor: amqp_get_sockfd(state),
                idleInterval: idle,
                hasBufferedInput: { [weak self] in
                    guard let state = self?.state else { return false }
                    return amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
                },
                onReadable: { [weak self] in self?.readFrames() },
                onIdle: { [weak self] in self?.readFrames() }
            ))
    }

    /// Reads every frame that is ready, without waiting, and dispatches it.
    private func readFrames() {
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

    private func dispatch(_ state: amqp_connection_state_t, _ frame: amqp_frame_t) throws {
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

    private func readContent(
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

    private func confirm(upTo tag: UInt64, multiple: Bool, nacked: Bool) {
        for (batch, settlement) in confirms.received(tag, multiple: multiple, nacked: nacked) {
            resume(batch, settlement, lostWith: nil)
        }
    }

    /// Resumes the caller that published `batch`.
    private func resume(
        _ batch: ConfirmWindow.Batch, _ settlement: ConfirmWindow.Settlement, lostWith error: AMQPError?
    ) {
        guard let publisher = publishers.removeValue(forKey: batch) else { return }
        switch settlement {
        case .confirmed:
            publisher.resume()
        case .nacked:
            publisher.resume(
                throwing: AMQPError(.publishNacked, operation: "publish", text: "the broker refused the message"))
        case .lost:
            publisher.resume(throwing: error ?? closedError("publish"))
        }
    }

    /// Marks the connection dead: fails waiting publishes and the consumer, frees the C state.
    private func fail(_ error: AMQPError) {
        if failure == nil { failure = error }
        for (batch, settlement) in confirms.lost() { resume(batch, settlement, lostWith: error) }
        deliveries?.finish(throwing: error)
        deliveries = nil
        thread.watch(nil)
        if let state {
            amqp_destroy_connection(state)
            self.state = nil
        }
    }

    /// Turns a reply into an error, answering the broker's close so it can release the connection.
    private func check(_ reply: amqp_rpc_reply_t, _ operation: String) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw libraryError(reply.library_error, operation)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD,
                let close = reply.reply.decoded?.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            {
                var ok = amqp_connection_close_ok_t(dummy: 0)
                if let state { _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok) }
                throw AMQPError(
                    close.reply_code == 403 ? .accessRefused : .connectionClosed, operation: operation,
                    replyCode: close.reply_code, text: String(close.reply_text))
            }
            if reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD,
                let close = reply.reply.decoded?.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            {
                var ok = amqp_channel_close_ok_t(dummy: 0)
                if let state { _ = amqp_send_method(state, Self.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) }
                throw AMQPError(
                    close.reply_code == 403 ? .accessRefused : .channelClosed, operation: operation,
                    replyCode: close.reply_code, text: String(close.reply_text))
            }
            throw AMQPError(.protocolError, operation: operation, text: "unexpected method \(reply.reply.id)")
        default:
            throw AMQPError(.protocolError, operation: operation, text: "no reply")
        }
    }

    private func libraryError(_ status: Int32, _ operation: String) -> AMQPError {
        let text = String(cString: amqp_error_string2(status))
        switch status {
        case AMQP_STATUS_CONNECTION_CLOSED.rawValue, AMQP_STATUS_SOCKET_ERROR.rawValue,
            AMQP_STATUS_SOCKET_CLOSED.rawValue, AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue,
            AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_TCP_ERROR.rawValue:
            return AMQPError(.connectionClosed, operation: operation, text: text)
        default:
            return AMQPError(.protocolError, operation: operation, text: text)
        }
    }

    private func closedError(_ operation: String) -> AMQPError {
        AMQPError(.connectionClosed, operation: operation, text: "the connection is closed")
    }
}
