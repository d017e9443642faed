import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One conversation with an SMTP server over a blocking socket: it runs on a thread of its own.
/// Every wait (the connection, each reply, each write) is bounded by the endpoint's timeout.
final class SMTPConnection {
    let endpoint: SMTPEndpoint
    private let descriptor: Int32
    private var tls: TLSSession?
    /// Bytes received and not yet read as reply lines.
    private var input: [UInt8] = []

    /// The longest reply line read: RFC 5321 allows 512 bytes.
    private static let maximumLineBytes = 4_096

    var server: String { endpoint.description }
    var isEncrypted: Bool { tls != nil }

    /// Connects to the endpoint's first address that answers, and starts TLS for `smtps://`.
    init(endpoint: SMTPEndpoint) throws(SMTPError) {
        self.endpoint = endpoint
        descriptor = try Self.connect(endpoint)
        if endpoint.implicitTLS {
            do {
                try startTLS()
            } catch {
                close(descriptor)
                throw error
            }
        }
    }

    deinit {
        tls = nil
        close(descriptor)
    }

    /// Switches the connection to TLS, after the greeting for `smtps://` or after STARTTLS.
    func startTLS() throws(SMTPError) {
        input.removeAll()  // Anything sent before the handshake is not to be trusted (RFC 3207 §4).
        tls = try TLSSession(
            descriptor: descriptor, host: endpoint.host, certificateAuthorities: endpoint.certificateAuthorities,
            server: server)
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
        var lines: [String] = []
        var code = 0
        while true {
            let line = try readLine(waitingFor: awaited)
            guard line.count >= 3, line.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }),
                line.count == 3 || line[3] == 0x20 || line[3] == 0x2D
            else {
                throw SMTPError(
                    server: server, isPermanent: false,
                    "\(server) answered \(awaited) with a line that is not an SMTP reply: "
                        + String(decoding: line.prefix(80), as: UTF8.self).debugDescription)
            }
            let lineCode = Int(String(decoding: line.prefix(3), as: UTF8.self))!
            if lines.isEmpty { code = lineCode }
            guard lineCode == code, lines.count < 1_000 else {
                throw SMTPError(
                    server: server, isPermanent: false, "\(server) answered \(awaited) with a malformed reply")
            }
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            if line.count == 3 || line[3] == 0x20 { break }
        }
        let reply = SMTPReply(code: code, lines: lines)
        guard expected.contains(code) else { throw SMTPError(server: server, refused: awaited, reply) }
        return reply
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
                    server: server, isPermanent: false, "could not send \(sent) to \(server): \(Self.cause(errno))")
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
                let cause =
                    errno == EAGAIN || errno == EWOULDBLOCK
                    ? "no answer within \(endpoint.timeout.components.seconds) s" : Self.cause(errno)
                throw SMTPError(
                    server: server, isPermanent: false, "could not read \(server)'s answer to \(awaited): \(cause)")
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
        let seconds = Int(endpoint.timeout.components.seconds)
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
                cause = Self.cause(errno)
                continue
            }
            if let failure = Self.connect(descriptor, to: address, within: seconds) {
                cause = failure
                close(descriptor)
                continue
            }
            var limit = timeval(tv_sec: seconds, tv_usec: 0)
            for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
                setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
            }
            return descriptor
        }
        throw SMTPError(
            server: endpoint.description, isPermanent: false, "could not connect to \(endpoint): \(cause)")
    }

    /// Connects `descriptor` without blocking past `seconds`; the cause when it did not connect.
    private static func connect(_ descriptor: Int32, to address: addrinfo, within seconds: Int) -> String? {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return cause(errno) }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            var ready: Int32
            repeat { ready = poll(&waiting, 1, Int32(seconds * 1_000)) } while ready < 0 && errno == EINTR
            guard ready > 0 else { return ready == 0 ? "no answer within \(seconds) s" : cause(errno) }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            guard failure == 0 else { return cause(failure) }
        }
        _ = fcntl(descriptor, F_SETFL, flags)
        return nil
    }

    private static func cause(_ code: Int32) -> String { String(cString: strerror(code)) }
}
