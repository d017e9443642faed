import Foundation
import Logging
import Synchronization

/// How an attempt ended, as far as the worker is concerned.
enum AttemptEnd: Sendable {
    case finished(JSONValue)
    case failed(any Error, afterSoftLimit: Bool)
    /// Still running at its hard time limit: the worker moved on without it.
    case overHardLimit
    /// Revoked with `terminate` while it ran.
    case revoked
}

/// One attempt's task and the first of its ends: the task's own, or the hard time limit.
final class RunningAttempt: Sendable {
    let taskID: UUID
    let softDeadline: ContinuousClock.Instant?
    let hardDeadline: ContinuousClock.Instant
    private struct State {
        var end: AttemptEnd?
        var waiter: CheckedContinuation<AttemptEnd, Never>?
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
    func run(_ body: @escaping @Sendable () async throws -> JSONValue) async -> AttemptEnd {
        let work = Task {
            let end: AttemptEnd
            do {
                end = .finished(try await body())
            } catch {
                end = .failed(error, afterSoftLimit: state.withLock { $0.softLimitReached })
            }
            state.withLock { $0.workDone = true }
            finish(end)
        }
        state.withLock { $0.work = work }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let end = state.withLock { state -> AttemptEnd? in
                    if state.end == nil { state.waiter = continuation }
                    return state.end
                }
                if let end { continuation.resume(returning: end) }
            }
        } onCancel: {
            // A shutdown past its grace period: stop waiting even for a task that ignores it.
            work.cancel()
            finish(.failed(CancellationError(), afterSoftLimit: false))
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

    private func finish(_ end: AttemptEnd) {
        let waiter = state.withLock { state -> CheckedContinuation<AttemptEnd, Never>? in
            guard state.end == nil else { return nil }
            state.end = end
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: end)
    }
}

/// Enforces every running attempt's time limits, checking four times a second, and cancels the
/// attempts of tasks revoked while they run, asking `revokedAmong` once a second: one loop per
/// worker instead of timers or notifications per task.
///
/// A task still running `runawayGrace` after its hard limit ignores cancellation and cannot be
/// stopped from inside the process; the watchdog then calls `onRunaway` (the worker process
/// exits, so that its supervisor starts a fresh one).
final class TimeLimitWatchdog: Sendable {
    private struct Entry {
        var attempt: RunningAttempt
        var overSince: ContinuousClock.Instant?
    }
    private let entries = Mutex([ObjectIdentifier: Entry]())
    private let runawayGrace: Duration
    private let revokedAmong: @Sendable ([UUID]) async throws -> Set<UUID>
    private let onRunaway: @Sendable (Int) -> Void

    init(
        runawayGrace: Duration, revokedAmong: @escaping @Sendable ([UUID]) async throws -> Set<UUID>,
        onRunaway: @escaping @Sendable (Int) -> Void
    ) {
        self.runawayGrace = runawayGrace
        self.revokedAmong = revokedAmong
        self.onRunaway = onRunaway
    }

    /// Watches `attempt` until it is done.
    func watch(_ attempt: RunningAttempt) {
        entries.withLock { $0[ObjectIdentifier(attempt)] = Entry(attempt: attempt) }
    }

    /// Runs until cancelled.
    func run() async {
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            check(now: .now)
            tick += 1
            if tick % 4 == 0 { await cancelRevoked() }
        }
    }

    private func cancelRevoked() async {
        let running = entries.withLock { $0.values.filter { $0.overSince == nil }.map(\.attempt) }
        guard !running.isEmpty, let revoked = try? await revokedAmong(running.map(\.taskID)) else { return }
        for attempt in running where revoked.contains(attempt.taskID) { attempt.revoke() }
    }

    private func check(now: ContinuousClock.Instant) {
        var soft: [RunningAttempt] = []
        var hard: [RunningAttempt] = []
        var runaways = 0
        entries.withLock { entries in
            for (key, var entry) in entries {
                let attempt = entry.attempt
                if attempt.isDone {
                    entries[key] = nil
                    continue
                }
                if let overSince = entry.overSince {
                    if now - overSince >= runawayGrace { runaways += 1 }
                    continue
                }
                if now >= attempt.hardDeadline {
                    entry.overSince = now
                    entries[key] = entry
                    hard.append(attempt)
                } else if let softDeadline = attempt.softDeadline, now >= softDeadline {
                    soft.append(attempt)
                }
            }
        }
        for attempt in soft { attempt.reachSoftLimit() }
        for attempt in hard { attempt.reachHardLimit() }
        if runaways > 0 { onRunaway(runaways) }
    }
}
