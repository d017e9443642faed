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
    let thread: ConnectionThread
    static let channel: amqp_channel_t = 1
    /// Whether `failure` is set, readable from anywhere.
    private let failed = Atomic<Bool>(false)
    /// The socket's descriptor while the connection is open, for ``abort(_:)`` from any thread.
    /// The thread clears it under the same lock before the socket is closed, so an abort never
    /// shuts down a descriptor number another socket has reused.
    private let socketDescriptor = Mutex<Int32>(-1)
    /// Why the connection was aborted: preferred over the error the abort causes on the thread.
    private let abortReason = Mutex<AMQPError?>(nil)
    /// While publishes wait for confirms: when the broker last confirmed one, or when the first
    /// began (monotonic nanoseconds); 0 while none waits. Written on `thread`, read by the confirm
    /// watchdog.
    let confirmProgress = Atomic<UInt64>(0)

    // Everything below is touched only on `thread`.
    var state: amqp_connection_state_t?
    var failure: AMQPError? {
        didSet { failed.store(failure != nil, ordering: .relaxed) }
    }
    var confirms = ConfirmWindow()
    /// The callers of `publish(_:)` waiting for their batch's confirms.
    var publishers: [ConfirmWindow.Batch: CheckedContinuation<Void, any Error>] = [:]
    var deliveries: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation?

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
        connection.watchConfirms()
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

    // MARK: On the connection's thread

    /// Runs an RPC-style librabbitmq call on the thread and checks the reply in one place.
    func call<T: Sendable>(
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
    func enqueueSend(_ operation: String, _ body: @escaping @Sendable (amqp_connection_state_t) -> Int32) {
        thread.enqueue { [self] in try? sendOnThread(operation, body) }
    }

    /// Sends a method with no reply and waits until it is written.
    func send(_ operation: String, _ body: @escaping @Sendable (amqp_connection_state_t) -> Int32)
        async throws
    {
        try await thread.run { [self] in try sendOnThread(operation, body) }
    }

    /// On the connection's thread: runs a librabbitmq call that returns a status, failing the
    /// connection if it did not succeed.
    func sendOnThread(_ operation: String, _ body: (amqp_connection_state_t) -> Int32) throws {
        guard let state, failure == nil else { throw failure ?? closedError(operation) }
        let status = body(state)
        if status != AMQP_STATUS_OK.rawValue {
            let error = libraryError(status, operation)
            fail(error)
            throw error
        }
    }

    func open() throws {
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
        socketDescriptor.withLock { $0 = amqp_get_sockfd(state) }
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

    /// Marks the connection dead: fails waiting publishes and the consumer, frees the C state.
    func fail(_ error: AMQPError) {
        let error = abortReason.withLock { $0 } ?? error
        if failure == nil { failure = error }
        confirmProgress.store(0, ordering: .relaxed)
        for (batch, settlement) in confirms.lost() { resume(batch, settlement, lostWith: error) }
        deliveries?.finish(throwing: error)
        deliveries = nil
        thread.watch(nil)
        if let state {
            socketDescriptor.withLock { descriptor in
                descriptor = -1
                amqp_destroy_connection(state)
            }
            self.state = nil
        }
    }

    /// Gives the connection up once publishes have waited the endpoint's confirm timeout with
    /// nothing confirmed: a broker under a memory or disk alarm blocks publishers and confirms
    /// nothing. Checked from a task of its own, at most every second, while the connection is open.
    private func watchConfirms() {
        let timeout = endpoint.confirmTimeout
        let limit =
            UInt64(timeout.components.seconds) * 1_000_000_000
            + UInt64(timeout.components.attoseconds / 1_000_000_000)
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: min(timeout / 4, .seconds(1)))
                guard let self, self.isOpen else { return }
                let since = self.confirmProgress.load(ordering: .relaxed)
                if since != 0, Self.monotonicNanoseconds() &- since > limit {
                    self.abort(
                        AMQPError(
                            .confirmTimedOut, operation: "publish",
                            text: "the broker confirmed nothing within \(timeout); "
                                + "a memory or disk alarm may be blocking publishers"))
                    return
                }
            }
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Gives the connection up from any thread, even while its thread is stuck writing to a
    /// broker that stopped reading: every waiting publish fails with `error`, and so does every
    /// later call.
    func abort(_ error: AMQPError) {
        abortReason.withLock { if $0 == nil { $0 = error } }
        socketDescriptor.withLock { descriptor in
            if descriptor >= 0 { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
        thread.enqueue { [self] in fail(error) }
    }

    /// Turns a reply into an error, answering the broker's close so it can release the connection.
    func check(_ reply: amqp_rpc_reply_t, _ operation: String) throws {
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

    func libraryError(_ status: Int32, _ operation: String) -> AMQPError {
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

    func closedError(_ operation: String) -> AMQPError {
        AMQPError(.connectionClosed, operation: operation, text: "the connection is closed")
    }
}
