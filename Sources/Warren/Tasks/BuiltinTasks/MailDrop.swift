import Foundation
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

/// A mail-drop directory, where `send_email` writes each message as one `.eml` file, the way a
/// local MTA's pickup directory works.
struct MailDrop {
    var directory: String

    /// Writes `message` as `<id>.eml` and returns its path. Named by task id: a retried attempt
    /// replaces its own file instead of sending twice.
    func drop(_ message: [UInt8], id: UUID) async throws -> String {
        let path = "\(directory)/\(id.uuidString.lowercased()).eml"
        try await onOwnThread(named: "warren-mail") { [directory] in
            try Self.write(message, to: path, creating: directory)
        }
        return path
    }

    /// Writes `bytes` to a temporary file of its own beside `path` (two copies of one task never
    /// share it), flushes it to disk, and renames it to `path`: rename(2) replaces atomically, so a
    /// reader sees the old message or the new one, never half of either.
    private static func write(_ bytes: [UInt8], to path: String, creating directory: String) throws {
        try makeDirectories(directory)
        let temporary = "\(path).\(UUID().uuidString.lowercased()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MailDropError(path: temporary, action: "create the mail file", errno: errno)
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let error = MailDropError(path: temporary, action: "write the mail file", errno: errno)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        let synced = fsync(descriptor) == 0 ? 0 : errno
        let closed = close(descriptor) == 0 ? 0 : errno
        if synced != 0 || closed != 0 {
            unlink(temporary)
            throw MailDropError(path: temporary, action: "write the mail file", errno: synced != 0 ? synced : closed)
        }
        guard rename(temporary, path) == 0 else {
            let error = MailDropError(path: path, action: "rename the mail file to", errno: errno)
            unlink(temporary)
            throw error
        }
    }

    /// `mkdir -p`: each missing directory of `path`, in turn.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw MailDropError(path: prefix, action: "create the mail directory", errno: errno)
            }
            prefix += "/"
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw MailDropError(path: path, action: "open the mail directory", errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw MailDropError(path: path, action: "use the mail directory", errno: ENOTDIR)
        }
    }
}

/// A message `send_email` could not write into its mail drop: retryable, since a full disk or a
/// directory's permissions may be fixed by the next attempt.
public struct MailDropError: RetryableError, CustomStringConvertible {
    public var path: String
    /// What failed: "write the mail file", "create the mail directory", …
    public var action: String
    public var cause: String

    init(path: String, action: String, errno code: Int32) {
        self.path = path
        self.action = action
        self.cause = String(cString: strerror(code))
    }

    public var description: String { "could not \(action) \(path): \(cause)" }
}
