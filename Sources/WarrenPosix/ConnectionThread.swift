internal import CWarrenPosix
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dedicated OS thread that owns one blocking C connection (librabbitmq or libpq).
///
/// Work reaches the thread as jobs; `run(_:)` turns a job into an `async` call, so no blocking C
/// call ever runs on Swift's cooperative pool. While idle the thread sleeps in `poll(2)` on a
/// wake-up descriptor and, when one is set, on the connection's socket, calling the
/// ``SocketWatcher`` when the socket is readable: deliveries, confirms and acks are all served by
/// the same thread with no busy wait.
public final class ConnectionThread: @unchecked Sendable {
    /// What the thread does with a socket it watches. Every closure runs on the thread itself.
    public struct SocketWatcher {
        /// The descriptor to poll for input.
        public var descriptor: Int32
        /// Whether the C library already holds input in its own buffers (poll would not see it).
        public var hasBufferedInput: () -> Bool
        /// Called when input is ready; reads what it can without waiting.
        public var onReadable: () -> Void
        /// Called when nothing arrived for `idleInterval` (heartbeats, timeouts).
        public var onIdle: () -> Void
        /// How long to sleep before `onIdle`, in milliseconds; -1 for as long as nothing happens.
        public var idleInterval: Int32

        public init(
            descriptor: Int32,
            idleInterval: Int32,
            hasBufferedInput: @escaping () -> Bool,
            onReadable: @escaping () -> Void,
            onIdle: @escaping () -> Void
        ) {
            self.descriptor = descriptor
            self.idleInterval = idleInterval
            self.hasBufferedInput = hasBufferedInput
            self.onReadable = onReadable
            self.onIdle = onIdle
        }
    }

    private struct Queue {
        var jobs: [() -> Void] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let wakeDescriptor: Int32
    private let name: String
    /// Touched only on the thread.
    private var watcher: SocketWatcher?

    /// Starts a thread; `name` (at most 15 bytes are kept) shows in `top -H` and debuggers.
    public init(name: String) {
        self.name = name
        self.wakeDescriptor = warren_eventfd()
        precondition(self.wakeDescriptor >= 0, "eventfd failed: \(errno)")
        let thread = Thread { [self] in self.loop() }
        thread.start()
    }

    /// Runs `body` on the thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = enqueue {
                continuation.resume(with: Result { try body() })
            }
            if !accepted {
                continuation.resume(throwing: ConnectionThreadStopped())
            }
        }
    }

    /// Queues `job` without waiting for it. Returns false when the thread has stopped.
    @discardableResult
    public func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            if queue.stopping { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    /// Sets or clears the socket to watch. Call on the thread (from inside a job).
    public func watch(_ watcher: SocketWatcher?) {
        self.watcher = watcher
    }

    /// Lets the queued jobs run, then ends the thread. Later jobs are refused.
    public func stop() {
        queue.withLock { $0.stopping = true }
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    private func loop() {
        warren_set_thread_name(name)
        while true {
            let (jobs, stopping) = queue.withLock { queue in
                defer { queue.jobs.removeAll(keepingCapacity: true) }
                return (queue.jobs, queue.stopping)
            }
            for job in jobs { job() }
            if !jobs.isEmpty { continue }
            if stopping { break }
            if let watcher, watcher.hasBufferedInput() {
                watcher.onReadable()
                continue
            }
            sleepUntilSomethingHappens()
        }
        watcher = nil
    }

    /// The wake-up descriptor is closed only here, when nothing can write to it any more: closed at
    /// the end of the loop, a late `wake()` (from a `stop()` or `enqueue()` racing the exit) could
    /// write into whatever socket had meanwhile been given the same descriptor number.
    deinit {
        close(wakeDescriptor)
    }

    private func sleepUntilSomethingHappens() {
        var descriptors = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if let watcher {
            descriptors.append(pollfd(fd: watcher.descriptor, events: Int16(POLLIN), revents: 0))
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), watcher?.idleInterval ?? -1)
        if ready < 0 { return }  // EINTR: look again
        if descriptors[0].revents != 0 {
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, 8)
        }
        guard let watcher else { return }
        if ready == 0 {
            watcher.onIdle()
        } else if descriptors[1].revents != 0 {
            watcher.onReadable()
        }
    }
}

/// The connection's thread has been stopped; the connection is closed.
public struct ConnectionThreadStopped: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the connection is closed" }
}
