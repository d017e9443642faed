internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// A TLS client session (OpenSSL) over a connected, blocking socket. The handshake checks the
/// server's certificate against the trusted authorities and that it names the host Warren dialled.
final class TLSSession {
    private let context: OpaquePointer
    private let session: OpaquePointer
    private let endpoint: SMTPEndpoint

    private var server: String { endpoint.description }

    /// Shakes hands over `descriptor`, which stays the caller's to close.
    init(descriptor: Int32, endpoint: SMTPEndpoint) throws(SMTPError) {
        self.endpoint = endpoint
        let server = endpoint.description
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw SMTPError(server: server, isPermanent: true, "could not set up TLS: \(Self.queuedReason())")
        }
        let loaded =
            if let authorities = endpoint.certificateAuthorities {
                SSL_CTX_load_verify_locations(context, authorities, nil)
            } else {
                SSL_CTX_set_default_verify_paths(context)
            }
        guard loaded == 1 else {
            SSL_CTX_free(context)
            let authorities = endpoint.certificateAuthorities ?? "the system's certificate store"
            throw SMTPError(
                server: server, isPermanent: true,
                "could not read the certificate authorities in \(authorities): \(Self.queuedReason())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let session = SSL_new(context) else {
            SSL_CTX_free(context)
            throw SMTPError(server: server, isPermanent: true, "could not set up TLS: \(Self.queuedReason())")
        }
        self.context = context
        self.session = session
        let host = endpoint.host
        // Each must hold: without the name to check, any valid certificate would pass.
        let prepared =
            SSL_set_fd(session, descriptor) == 1
            && (Self.isAddress(host)
                ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session), host) == 1
                : SSL_set1_host(session, host) == 1
                    // SSL_set_tlsext_host_name, a macro: the name the server picks its certificate by.
                    && host.withCString {
                        SSL_ctrl(
                            session, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name),
                            UnsafeMutableRawPointer(mutating: $0)) == 1
                    })
        guard prepared else {
            throw SMTPError(
                server: server, isPermanent: true, "could not set up TLS for \(host): \(Self.queuedReason())")
        }
        let result = retrying { SSL_connect(session) }
        guard result == 1 else { throw failure(result, "the TLS handshake with \(server) failed") }
    }

    deinit {
        SSL_free(session)
        SSL_CTX_free(context)
    }

    /// Reads what has arrived into `chunk`, up to its size; 0 when the server closed the
    /// connection. `waitingFor` names what Warren waited for, in errors.
    func read(into chunk: inout [UInt8], waitingFor awaited: String) throws(SMTPError) -> Int {
        let count = chunk.withUnsafeMutableBytes { buffer in
            retrying { SSL_read(session, buffer.baseAddress, Int32(buffer.count)) }
        }
        if count > 0 { return Int(count) }
        if SSL_get_error(session, count) == SSL_ERROR_ZERO_RETURN { return 0 }
        throw failure(count, "could not read \(server)'s answer to \(awaited)")
    }

    func write(_ bytes: [UInt8], sending sent: String) throws(SMTPError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                retrying {
                    SSL_write(session, buffer.baseAddress! + offset, Int32(min(buffer.count - offset, 1 << 20)))
                }
            }
            guard count > 0 else { throw failure(count, "could not send \(sent) to \(server)") }
            offset += Int(count)
        }
    }

    /// Calls `operation` with OpenSSL's error queue and errno cleared, again while a signal
    /// interrupts it.
    private func retrying(_ operation: () -> Int32) -> Int32 {
        while true {
            ERR_clear_error()
            errno = 0
            let result = operation()
            guard result <= 0, SSL_get_error(session, result) == SSL_ERROR_SYSCALL, errno == EINTR else {
                return result
            }
        }
    }

    /// An error for a call that returned `result`: OpenSSL's reason, the certificate check's
    /// verdict when that failed, or the socket's error. Each is retryable: a refused certificate
    /// may be one being renewed.
    private func failure(_ result: Int32, _ what: String) -> SMTPError {
        let code = errno
        let kind = SSL_get_error(session, result)
        let verdict = SSL_get_verify_result(session)
        if verdict != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(verdict))
            return SMTPError(server: server, isPermanent: false, "\(what): its certificate is refused (\(reason))")
        }
        let cause =
            switch (kind, code) {
            case (SSL_ERROR_SSL, _): Self.queuedReason()
            case (_, 0): "the connection closed"
            default: endpoint.cause(ofFailed: code)
            }
        return SMTPError(server: server, isPermanent: false, "\(what): \(cause)")
    }

    /// The reason of the oldest error on OpenSSL's queue for this thread.
    private static func queuedReason() -> String {
        let code = ERR_get_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "unknown error" }
        return String(cString: reason)
    }

    private static func isAddress(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
    }
}
