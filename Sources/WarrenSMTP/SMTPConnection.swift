import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One conversation with an SMTP server over a blocking socket: it runs on a thread of its own.
/// Each wait (the connection, each read, each write) is bounded by the endpoint's timeout, and the
/// conversation as a whole by its ``SMTPEndpoint/deliveryLimit``.
final class SMTPConnection {
    let endpoint: SMTPEndpoint
    private let descriptor: Int32
    private let deadline: SocketDeadline
    private var tls: TLSSession?
    /// Bytes received and not yet read as reply lines.
    private var input: [UInt8] = []

    /// The longest reply line read: RFC 5321 allows 512 bytes.
    private static let maximumLineBytes = 4_096

    var server: String { endpoint.description }
    var isEncrypted: Bool { tls != nil }
    /// Whether the delivery limit passed, which shut the socket down.
    var hasExpired: Bool { deadline.hasExpired }

    /// Connects to the endpoint's first address that answers, and starts TLS for `smtps://`.
    init(endpoint: SMTPEndpoint) throws(SMTPError) {
        self.endpoint = endpoint
        descriptor = try Self.connect(endpoint)
        // From here on the deadline owns the socket: it closes it, also when this init throws.
        deadline = SocketDeadline(descriptor: descriptor, after: endpoint.deliveryLimit)
        if endpoint.implicitTLS { try startTLS() }
    }

    deinit {
        tls = nil
        deadline.close()
    }

    /// Switches the connection to TLS, after the greeting for `smtps://` or after STARTTLS.
    func startTLS() throws(SMTPError) {
        input.removeAll()  // Anything sent before the handshake is not to be trusted (RFC 3207 §4).
        tls = try TLSSession(descriptor: descriptor, endpoint: endpoint)
    }

    /// The name EHLO gives: the host's name when it is a domain, otherwise the connection's own
    /// address as a literal (`[192.0.2.7]`), as RFC 5321 §4.1.4 asks; servers refuse a bare name.
    func helloName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        if gethostname(&name, name.count - 1) == 0 {
            let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if host.contains("."), !host.hasSuffix(".") { return host }
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let found = withUnsafeMutablePointer(to: &address) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
        }
        guard found else { return "[127.0.0.1]" }
        let family = Int32(address.ss_family)
        let converted = withUnsafePointer(to: &address) { storage in
            family == AF_INET6
                ? storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin6_addr) {
                        inet_ntop(AF_INET6, $0, &text, socklen_t(text.count)) != nil
                    }
                }
                : storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin_addr) {
                        inet_ntop(AF_INET, $0, &text, socklen_t(text.count)) != nil
                    }
                }
        }
        guard converted else { return "[127.0.0.1]" }
        let literal = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[IPv6:\(literal)]" : "[\(literal)]"
    }

    /// Sends `line` and reads the reply, which must have one of the `expected` codes.
    /// - Parameter shown: how errors name the command, for one that holds a secret.
    @discardableResult
    func command(_ line: String, shownAs shown: String? = nil, expecting expected: Int...) throws(SMTPError)
        -> SMTPReply
    {
        let name = shown ?? line
        try send(Array("\(line)\r\n".utf8), sending: name)
        return try reply(to: name, expecting: expected)
    }

    /// Reads one reply, which answers `awaited`, and checks its code.
    func reply(to awaited: String, expecting expected: [Int]) throws(SMTPError) -> SMTPReply {
        var reader = SMTPReplyReader()
        while true {
            let line = try readLine(waitingFor: awaited)
            let reply: SMTPReply?
            do {
                reply = try reader.read(line)
            } catch {
                throw SMTPError(
                    server: server, isPermanent: false, "\(server) answered \(awaited) with \(error.problem)")
            }
            guard let reply else { continue }
            guard expected.contains(reply.code) else { throw SMTPError(server: server, refused: awaited, reply) }
            return reply
        }
    }

    func send(_ bytes: [UInt8], sending sent: String) throws(SMTPError) {
        if let tls { return try tls.write(bytes, sending: sent) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw SMTPError(
                    server: server, isPermanent: false,
                    "could not send \(sent) to \(server): \(endpoint.cause(ofFailed: errno))")
            }
            offset += count
        }
    }

    /// The next line received, without its line break.
    private func readLine(waitingFor awaited: String) throws(SMTPError) -> [UInt8] {
        var searched = 0
        while true {
            if let end = input[searched...].firstIndex(of: 0x0A) {
                var line = input[..<end]
                if line.last == 0x0D { line = line.dropLast() }
                defer { input.removeFirst(end + 1) }
                return Array(line)
            }
            guard input.count <= Self.maximumLineBytes else {
                throw SMTPError(
                    server: server, isPermanent: false,
                    "\(server) answered \(awaited) with a line of over \(Self.maximumLineBytes) bytes")
            }
            searched = input.count
            try receive(waitingFor: awaited)
        }
    }

    private func receive(waitingFor awaited: String) throws(SMTPError) {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        var count = 0
        if let tls {
            count = try tls.read(into: &chunk, waitingFor: awaited)
        } else {
            repeat {
                count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            } while count < 0 && errno == EINTR
            if count < 0 {
                throw SMTPError(
                    server: server, isPermanent: false,
                    "could not read \(server)'s answer to \(awaited): \(endpoint.cause(ofFailed: errno))")
            }
        }
        guard count > 0 else {
            throw SMTPError(
                server: server, isPermanent: false, "\(server) closed the connection before it answered \(awaited)")
        }
        input += chunk[..<count]
    }

    /// A connected, blocking socket whose reads and writes time out, to the first address of the
    /// endpoint's host that accepts a connection within the timeout.
    private static func connect(_ endpoint: SMTPEndpoint) throws(SMTPError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &addresses)
        guard status == 0, let addresses else {
            throw SMTPError(
                server: endpoint.description, isPermanent: false,
                "could not find the address of \(endpoint.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(addresses) }
        var cause = "it has no address"
        var next: UnsafeMutablePointer<addrinfo>? = addresses
        while let address = next?.pointee {
            next = address.ai_next
            let descriptor = socket(address.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                cause = endpoint.cause(ofFailed: errno)
                continue
            }
            if let failure = Self.connect(descriptor, to: address, endpoint: endpoint) {
                cause = failure
                close(descriptor)
                continue
            }
            var limit = timeval(tv_sec: Int(endpoint.timeout.components.seconds), tv_usec: 0)
            for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
                setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
            }
            return descriptor
        }
        throw SMTPError(
            server: endpoint.description, isPermanent: false, "could not connect to \(endpoint): \(cause)")
    }

    /// Connects `descriptor` without blocking past the timeout; the cause when it did not connect.
    private static func connect(_ descriptor: Int32, to address: addrinfo, endpoint: SMTPEndpoint) -> String? {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return endpoint.cause(ofFailed: errno) }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let milliseconds = Int32(endpoint.timeout.components.seconds * 1_000)
            var ready: Int32
            repeat { ready = poll(&waiting, 1, milliseconds) } while ready < 0 && errno == EINTR
            guard ready > 0 else { return endpoint.cause(ofFailed: ready == 0 ? EAGAIN : errno) }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else { return endpoint.cause(ofFailed: failure) }
        }
        _ = fcntl(descriptor, F_SETFL, flags)
        return nil
    }
}

extension SMTPEndpoint {
    /// What a failed socket call's `errno` means, in words: a timeout names the endpoint's.
    func cause(ofFailed code: Int32) -> String {
        code == EAGAIN || code == EWOULDBLOCK
            ? "no answer within \(timeout.components.seconds) s" : String(cString: strerror(code))
    }
}
