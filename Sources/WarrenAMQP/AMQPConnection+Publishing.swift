internal import CRabbitMQ
import Synchronization
import WarrenPosix

extension AMQPConnection {
    /// Publishes one persistent message and waits for the broker's confirm.
    public func publish(_ message: AMQPOutgoingMessage) async throws {
        try await publish([message])
    }

    /// Publishes messages back to back and waits until the broker has confirmed all of them.
    /// - Throws: ``AMQPError`` `publishNacked` if the broker refused any; `confirmTimedOut` when
    ///   not all were confirmed within the endpoint's ``AMQPEndpoint/confirmTimeout``, and the
    ///   connection is given up; or the connection's error if it was lost first. Then any of them
    ///   may or may not have been taken.
    public func publish(_ messages: [AMQPOutgoingMessage]) async throws {
        if messages.isEmpty { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = thread.enqueue { [self] in
                guard let state, failure == nil else {
                    continuation.resume(throwing: failure ?? closedError("publish"))
                    return
                }
                if confirms.waitingBatches == 0 {
                    confirmProgress.store(Self.monotonicNanoseconds(), ordering: .relaxed)
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

    func confirm(upTo tag: UInt64, multiple: Bool, nacked: Bool) {
        for (batch, settlement) in confirms.received(tag, multiple: multiple, nacked: nacked) {
            resume(batch, settlement, lostWith: nil)
        }
        confirmProgress.store(confirms.waitingBatches == 0 ? 0 : Self.monotonicNanoseconds(), ordering: .relaxed)
    }

    /// Resumes the caller that published `batch`.
    func resume(
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
}
