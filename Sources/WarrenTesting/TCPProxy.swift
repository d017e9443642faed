import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy for fault tests: forwards every connection to `upstreamPort` on 127.0.0.1 until
/// ``cut()``, which drops every link and refuses new ones until ``restore()``. It also lets
/// another network namespace reach servers that listen on loopback only. Blocking sockets on
/// threads of its own, never on Swift's cooperative pool.
public final class TCPProxy: @unchecked Sendable {
    /// The port to connect to instead of the upstream's.
    public let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var links: [Link] = []
    private var refusing = false
    private var stopped = false
    private var replyDelayStorage: Duration = .zero
    private var acceptedStorage = 0

    /// How many connections it has forwarded so far.
    public var accepted: Int { lock.withLock { acceptedStorage } }

    /// How long everything the upstream sends waits before it is passed on, as on a slow link or
    /// with a busy broker. It applies to each chunk read, so every call and reply pays it once.
    public var replyDelay: Duration {
        get { lock.withLock { replyDelayStorage } }
        set { lock.withLock { replyDelayStorage = newValue } }
    }

    /// One proxied connection. Its descriptors are closed once both directions are done, and
    /// shut down only while they are still open, both under one lock: a descriptor number is
    /// reused by the next socket this process opens (a database connection, say), and a late
    /// shutdown would cut that one instead.
    private final class Link: @unchecked Sendable {
        let client: Int32
        let server: Int32
        private let lock = NSLock()
        private var pumping = 2

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        var isClosed: Bool { lock.withLock { pumping == 0 } }

        func drop() {
            lock.withLock {
                guard pumping > 0 else { return }
                shutdown(client, Int32(SHUT_RDWR))
                shutdown(server, Int32(SHUT_RDWR))
            }
        }

        func pumpFinished() {
            lock.withLock {
                pumping -= 1
                guard pumping == 0 else { return }
                close(client)
                close(server)
            }
        }
    }

    /// Listens on `address` (an IPv4 address of this host), on a port of the system's choosing.
    public init(address: String = "127.0.0.1", upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = Self.socketAddress(address, port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard listener >= 0, bound == 0, listen(listener, 64) == 0 else {
            if listener >= 0 { close(listener) }
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// A loopback port that nothing listens on, which refuses connections: the port a proxy
    /// listened on until it stopped.
    public static func closedPort() throws -> Int {
        let proxy = try TCPProxy(upstreamPort: 9)
        proxy.stop()
        return proxy.port
    }

    /// Drops every link and refuses new connections.
    public func cut() {
        let dropped = lock.withLock {
            refusing = true
            defer { links.removeAll() }
            return links
        }
        for link in dropped { link.drop() }
    }

    /// Forwards new connections again.
    public func restore() {
        lock.withLock { refusing = false }
    }

    /// Stops listening and drops every link.
    public func stop() {
        cut()
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                // Only this loop closes the listener, once it is stopped; anything else (EINTR,
                // ECONNABORTED, EMFILE) is tried again.
                if lock.withLock({ stopped }) {
                    close(listener)
                    return
                }
                usleep(10_000)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.socketAddress("127.0.0.1", port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let link = Link(client: client, server: server)
            let accepted =
                connected == 0
                && lock.withLock {
                    if refusing { return false }
                    links.removeAll { $0.isClosed }
                    links.append(link)
                    acceptedStorage += 1
                    return true
                }
            guard accepted else {
                close(client)
                close(server)
                continue
            }
            Thread { Self.pump(from: client, to: server, link, delay: { .zero }) }.start()
            Thread { [self] in Self.pump(from: server, to: client, link, delay: { replyDelay }) }.start()
        }
    }

    private static func pump(from source: Int32, to destination: Int32, _ link: Link, delay: () -> Duration) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        outer: while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            let wait = delay()
            if wait > .zero {
                Thread.sleep(
                    forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + offset, count - offset) }
                if written <= 0 { break outer }
                offset += written
            }
        }
        link.drop()
        link.pumpFinished()
    }

    private static func socketAddress(_ host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }
}
