import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 request to 127.0.0.1 on a connection of its own, with blocking sockets on a thread
/// of its own: just enough HTTP for the inputs ledger to send what no well-behaved client would.
struct HTTPProbe {
    var port: Int

    struct Answer {
        var status: Int
        var body: String
    }

    /// Sends `method path` with `body` as is, and reads the answer until the server closes.
    /// Status 0 means no answer came (the connection was refused, reset or timed out).
    func send(_ method: String, _ path: String, contentType: String? = "application/json", body: [UInt8] = [])
        async -> Answer
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        let port = self.port
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.exchange(request, port: port)) }.start()
        }
    }

    private static func exchange(_ request: [UInt8], port: Int) -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Answer(status: 0, body: "") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Answer(status: 0, body: "") }
        var offset = 0
        while offset < request.count {
            let written = request.withUnsafeBytes { write(fd, $0.baseAddress! + offset, request.count - offset) }
            // The server may answer (413) and close before it has read everything.
            if written <= 0 { break }
            offset += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            response += buffer[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" }.split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return Answer(status: status, body: body)
    }
}
