import Foundation
import Logging
import Synchronization

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
