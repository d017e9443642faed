import WarrenCore

/// What becomes of an attempt: decided from its attempt number and retry policy, how it ended,
/// its task type's time limits and what became of its start, with no I/O. ``Pipeline`` carries it
/// out.
struct AttemptResolution: Equatable {
    /// The outcome to record.
    enum Outcome: Equatable {
        case success(JSONValue)
        /// RETRY: the next attempt is published into the delay queues.
        case retry(TaskError, afterSeconds: Int)
        /// FAILURE: the message is dead-lettered, for the error's reason.
        case failure(TaskError)
    }

    /// What became of an attempt's start (see ``Worker/Options/recordStartAfter``).
    enum Start: Equatable {
        /// Written before the task ran.
        case writtenBefore
        /// Never written: the outcome records it.
        case unwritten
        /// Written while the task ran, as this attempt number; nil when its fence failed (the task
        /// was revoked, or another worker took it, meanwhile).
        case writtenWhileRunning(attempt: Int?)
        /// Writing it failed.
        case writeFailed
    }

    /// Why a delivery is acked with nothing recorded.
    enum Unrecorded: Equatable {
        /// Revoked with `terminate` while it ran: the row is REVOKED already.
        case revoked
        /// Its start was fenced off: the row belongs to another attempt.
        case fencedOff
    }

    enum Action: Equatable {
        /// Record the outcome (with the attempt's start, when `recordsStart`), publish what follows
        /// from it, then ack.
        case record(Outcome, recordsStart: Bool)
        /// Ack, recording nothing.
        case ackUnrecorded(Unrecorded)
        /// Record nothing and leave the delivery unacked: the worker is stopping past its grace
        /// period, and the broker gives the message to another worker.
        case leaveUnacked
        /// Requeue the delivery to run again: its start could not be written.
        case giveBack
    }

    /// A failed attempt's error and what the retry policy needs to know of it.
    struct Failure: Equatable {
        var error: TaskError
        /// The error conforms to ``RetryableError``.
        var retryable: Bool
        /// The delay a ``TaskRetry`` asked for, in whole seconds.
        var requestedDelay: Int?
        /// The attempt was cancelled at its soft time limit.
        var afterSoftLimit: Bool

        init(_ error: any Error, afterSoftLimit: Bool) {
            self.error = TaskError(describing: error)
            self.retryable = error is any RetryableError
            self.requestedDelay = (error as? TaskRetry).map { Int($0.delay.seconds.rounded(.up)) }
            self.afterSoftLimit = afterSoftLimit
        }
    }

    /// How the attempt ended, as far as the decision goes.
    enum End: Equatable {
        case finished(JSONValue)
        case failed(Failure)
        case overHardLimit
        case revoked
    }

    var attempt: AttemptNumber
    var policy: RetryPolicy
    var limits: TaskOptions
    /// The largest result, as JSON, that is recorded (``Configuration/maximumResultBytes``).
    var maximumResultBytes: Int

    /// The failure of an attempt that must not run at all: one numbered past the policy's last,
    /// whose earlier attempts started and never finished (their workers died running it).
    var poison: TaskError? {
        attempt.counted > policy.maximumAttempts
            ? .poison(attempt: attempt.counted, maximum: policy.maximumAttempts) : nil
    }

    /// The action for an attempt that ended as `end` (nil for a ``poison`` one, which never ran).
    /// - Parameters:
    ///   - stopping: the worker is stopping past its grace period, which cancelled the task.
    ///   - random: 0..<1, for the retry delay's jitter.
    func action(ended end: End?, start: Start, stopping: Bool, random: Double) -> Action {
        let outcome: Outcome
        switch end {
        case nil:
            outcome = .failure(poison ?? .poison(attempt: attempt.counted, maximum: policy.maximumAttempts))
        case .finished(let result) where result.containsNUL:
            outcome = .failure(.invalidResult)
        case .finished(let result) where result.jsonBytes.count > maximumResultBytes:
            outcome = .failure(.resultTooLarge(bytes: result.jsonBytes.count, limit: maximumResultBytes))
        case .finished(let result):
            outcome = .success(result)
        case .revoked:
            return .ackUnrecorded(.revoked)
        case .failed where stopping:
            return .leaveUnacked
        case .failed(let failure):
            outcome = retryOrFail(failure, random: random)
        case .overHardLimit:
            outcome = .failure(.timeLimit(limits.timeLimit))
        }
        switch start {
        case .writtenBefore:
            return .record(outcome, recordsStart: false)
        case .unwritten:
            return .record(outcome, recordsStart: true)
        case .writtenWhileRunning(let started) where started == attempt.number:
            return .record(outcome, recordsStart: false)
        case .writtenWhileRunning:
            return .ackUnrecorded(.fencedOff)
        case .writeFailed:
            return .giveBack
        }
    }

    private func retryOrFail(_ failure: Failure, random: Double) -> Outcome {
        var error = failure.error
        if failure.afterSoftLimit, let softLimit = limits.softTimeLimit {
            error = .softTimeLimit(softLimit, error: error)
        }
        let decision = policy.decision(
            afterAttempt: attempt.counted, retryable: !failure.afterSoftLimit && failure.retryable,
            requestedDelay: failure.requestedDelay, random: random)
        switch decision {
        case .retry(let seconds):
            return .retry(error, afterSeconds: seconds)
        case .fail(let reason):
            error.reason = reason
            return .failure(error)
        }
    }
}
