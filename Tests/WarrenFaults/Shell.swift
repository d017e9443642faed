import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command to its end and returns its exit status. Spawned and reaped directly, on a
/// thread of its own: Foundation's `Process` waits for descriptors that a daemon the command
/// leaves behind (`pg_ctl restart` leaves a postmaster) keeps open forever.
@discardableResult
func shell(_ arguments: [String]) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else {
                continuation.resume(returning: 127)
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            continuation.resume(returning: (status >> 8) & 0xFF)
        }.start()
    }
}
