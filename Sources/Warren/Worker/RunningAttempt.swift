import Foundation
import Logging
import Synchronization

/// One attempt's task and the first of its ends: the task's own, or the hard time limit.
final class RunningAttempt: Sendable {
    let taskID: UUID
    let softDeadline: ContinuousClock.Instant?
    let hardDeadline: ContinuousClock.Instant
    private struct State {
        var end: AttemptResolution.End?
        var waiter: CheckedContinuation<AttemptResolution.End, Never>?
        var work: Task<Void, Never>?
        var softLimitReached = false
        var workDone = false
    }
    private let state = Mutex(State())

    init(taskID: UUID, softLimit: Duration?, hardLimit: Duration) {
        self.taskID = taskID
        let now = ContinuousClock.now
        softDeadline = softLimit.map { now + $0 }
        hardDeadline = now + hardLimit
    }

    /// Starts `body` in a task of its own, so that code ignoring cancellation cannot hold the
    /// worker past the hard limit, and waits for the attempt's end. Cancelling the caller (a
    /// shutdown past its grace period) cancels the task.
    func run(_ body: @escaping @Sendable () async throws -> JSONValue) async -> AttemptResolution.End {
        let work = Task {
            let end: AttemptResolution.End
            do {
                end = .finished(try await body())
            } catch {
                end = .failed(AttemptResolution.Failure(error, afterSoftLimit: state.withLock { $0.softLimitReached }))
            }
            state.withLock { $0.workDone = true }
            finish(end)
        }
        state.withLock { $0.work = work }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let end = state.withLock { state -> AttemptResolution.End? in
                    if state.end == nil { state.waiter = continuation }
                    return state.end
                }
                if let end { continuation.resume(returning: end) }
            }
        } onCancel: {
            // A shutdown past its grace period: stop waiting even for a task that ignores it.
            work.cancel()
            finish(.failed(AttemptResolution.Failure(CancellationError(), afterSoftLimit: false)))
        }
    }

    /// Whether the task has returned or thrown.
    var isDone: Bool { state.withLock { $0.workDone } }

    /// The soft limit passed: cancel the task (it sees `CancellationError`).
    func reachSoftLimit() {
        let work = state.withLock { state -> Task<Void, Never>? in
            guard !state.softLimitReached else { return nil }
            state.softLimitReached = true
            return state.work
        }
        work?.cancel()
    }

    /// The hard limit passed: end the attempt now, and cancel the task in case it still listens.
    func reachHardLimit() {
        finish(.overHardLimit)
        state.withLock { $0.work }?.cancel()
    }

    /// The task was revoked while it ran: cancel it and end the attempt now.
    func revoke() {
        finish(.revoked)
        state.withLock { $0.work }?.cancel()
    }

    private func finish(_ end: AttemptResolution.End) {
        let waiter = state.withLock { state -> CheckedContinuation<AttemptResolution.End, Never>? in
            guard state.end == nil else { return nil }
            state.end = end
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: end)
    }
}
