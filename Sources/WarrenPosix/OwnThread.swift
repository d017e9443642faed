import Foundation

/// Runs blocking work (file system calls, a conversation over a blocking socket) on a thread of its
/// own, so that it never holds one of the cooperative pool's few threads while it waits.
public func onOwnThread<T: Sendable>(
    named name: String, _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result(catching: body)) }
        thread.name = name
        thread.start()
    }
}
