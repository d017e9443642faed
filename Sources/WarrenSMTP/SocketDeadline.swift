import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Owns a socket, and shuts it down when a deadline passes before it is closed: a server that
/// answers a byte at a time, each within the timeout, must still not hold a delivery forever.
/// Shutting down and closing happen under one lock, so a late deadline never touches a number
/// that another connection has been given since.
final class SocketDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: Int32?
    private var expired = false

    /// Whether the deadline passed while the socket was open.
    var hasExpired: Bool { lock.withLock { expired } }

    init(descriptor: Int32, after limit: Duration) {
        self.descriptor = descriptor
        let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [weak self] in
            self?.expire()
        }
    }

    deinit { close() }

    func close() {
        lock.withLock {
            guard let descriptor else { return }
            Glibc.close(descriptor)
            self.descriptor = nil
        }
    }

    private func expire() {
        lock.withLock {
            guard let descriptor else { return }
            shutdown(descriptor, Int32(SHUT_RDWR))
            expired = true
        }
    }
}
