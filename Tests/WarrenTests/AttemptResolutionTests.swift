import Testing

@testable import Warren

@Suite struct AttemptResolutionTests {
    struct Flaky: RetryableError {}
    struct Broken: Error {}

    static let policy = try! RetryPolicy.fixed(7, maxRetries: 2)
    static let limits = TaskOptions(softTimeLimit: .seconds(3), timeLimit: .seconds(10))

    func resolution(attempt: Int, attemptsAtReplay: Int = 0, policy: RetryPolicy = policy) -> AttemptResolution {
        AttemptResolution(
            attempt: AttemptNumber(number: attempt, attemptsAtReplay: attemptsAtReplay), policy: policy,
            limits: Self.limits, maximumResultBytes: 64)
    }

    func failed(_ error: any Error, afterSoftLimit: Bool = false) -> AttemptResolution.End {
        .failed(AttemptResolution.Failure(error, afterSoftLimit: afterSoftLimit))
    }

    @Test func aFinishedAttemptRecordsItsResult() {
        #expect(
            resolution(attempt: 1).action(ended: .finished(["n": 1]), start: .writtenBefore, stopping: false, random: 0)
                == .record(.success(["n": 1]), recordsStart: false))
    }

    @Test func aResultHoldingNULFailsAsNotRetryable() {
        #expect(
            resolution(attempt: 1).action(
                ended: .finished("a\u{0}b"), start: .writtenBefore, stopping: false, random: 0)
                == .record(.failure(.invalidResult), recordsStart: false))
    }

    @Test func aResultOverTheLimitFailsAsNotRetryableAndNamesItsSize() {
        let result: JSONValue = ["text": .string(String(repeating: "x", count: 60))]
        #expect(
            resolution(attempt: 1).action(ended: .finished(result), start: .writtenBefore, stopping: false, random: 0)
                == .record(.failure(.resultTooLarge(bytes: 71, limit: 64)), recordsStart: false))
        #expect(TaskError.resultTooLarge(bytes: 71, limit: 64).message.contains("71 bytes"))
        let fits: JSONValue = ["text": .string(String(repeating: "x", count: 53))]
        #expect(
            resolution(attempt: 1).action(ended: .finished(fits), start: .writtenBefore, stopping: false, random: 0)
                == .record(.success(fits), recordsStart: false))
    }

    @Test func aRetryableErrorRetriesUntilTheAttemptsRunOut() {
        let error = TaskError(describing: Flaky())
        #expect(
            resolution(attempt: 1).action(ended: failed(Flaky()), start: .writtenBefore, stopping: false, random: 0.5)
                == .record(.retry(error, afterSeconds: 7), recordsStart: false))
        var exhausted = error
        exhausted.reason = .retriesExhausted
        #expect(
            resolution(attempt: 3).action(ended: failed(Flaky()), start: .writtenBefore, stopping: false, random: 0.5)
                == .record(.failure(exhausted), recordsStart: false))
    }

    @Test func anErrorThePolicyDoesNotRetryFailsAtOnce() {
        var error = TaskError(describing: Broken())
        error.reason = .notRetryable
        #expect(
            resolution(attempt: 1).action(ended: failed(Broken()), start: .writtenBefore, stopping: false, random: 0)
                == .record(.failure(error), recordsStart: false))
    }

    @Test func aTaskRetryGetsTheDelayItAskedForRoundedUp() {
        let retry = TaskRetry(after: .milliseconds(2_500), reason: "later")
        #expect(
            resolution(attempt: 1).action(ended: failed(retry), start: .writtenBefore, stopping: false, random: 0)
                == .record(.retry(TaskError(describing: retry), afterSeconds: 3), recordsStart: false))
    }

    @Test func anAttemptCancelledAtItsSoftLimitFailsWithoutRetryNamingTheLimit() {
        let action = resolution(attempt: 1).action(
            ended: failed(Flaky(), afterSoftLimit: true), start: .writtenBefore, stopping: false, random: 0)
        guard case .record(.failure(let error), recordsStart: false) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.type == "SoftTimeLimitExceeded")
        #expect(error.message.hasPrefix("cancelled at its soft time limit of 3.0 seconds: Flaky"))
        #expect(error.reason == .notRetryable)
    }

    @Test func anAttemptOverItsHardLimitFailsWithTheLimitsReason() {
        #expect(
            resolution(attempt: 1).action(ended: .overHardLimit, start: .writtenBefore, stopping: false, random: 0)
                == .record(.failure(.timeLimit(.seconds(10))), recordsStart: false))
        #expect(TaskError.timeLimit(.seconds(10)).reason == .timeLimit)
    }

    @Test func anAttemptPastThePoliciesLastIsPoisonAndNeverRuns() {
        #expect(resolution(attempt: 3).poison == nil)
        let poison = resolution(attempt: 4).poison
        #expect(poison == .poison(attempt: 4, maximum: 3))
        #expect(poison?.reason == .poison)
        #expect(
            resolution(attempt: 4).action(ended: nil, start: .unwritten, stopping: false, random: 0)
                == .record(.failure(.poison(attempt: 4, maximum: 3)), recordsStart: true))
    }

    @Test func aReplayedTaskGetsThePoliciesAttemptsAgain() {
        let error = TaskError(describing: Flaky())
        // Three attempts failed, then a replay: attempt 4 is the first of a new count of 3.
        #expect(
            resolution(attempt: 4, attemptsAtReplay: 3).action(
                ended: failed(Flaky()), start: .writtenBefore, stopping: false, random: 0.5)
                == .record(.retry(error, afterSeconds: 7), recordsStart: false))
        var exhausted = error
        exhausted.reason = .retriesExhausted
        #expect(
            resolution(attempt: 6, attemptsAtReplay: 3).action(
                ended: failed(Flaky()), start: .writtenBefore, stopping: false, random: 0.5)
                == .record(.failure(exhausted), recordsStart: false))
        #expect(resolution(attempt: 6, attemptsAtReplay: 3).poison == nil)
        #expect(resolution(attempt: 7, attemptsAtReplay: 3).poison == .poison(attempt: 4, maximum: 3))
        // The start's fence is the attempt's own number, not the count.
        #expect(
            resolution(attempt: 5, attemptsAtReplay: 3).action(
                ended: .finished(.null), start: .writtenWhileRunning(attempt: 2), stopping: false, random: 0)
                == .ackUnrecorded(.fencedOff))
    }

    @Test func aRevokedAttemptIsAckedUnrecordedWhateverBecameOfItsStart() {
        for start in [
            AttemptResolution.Start.writtenBefore, .unwritten, .writtenWhileRunning(attempt: nil), .writeFailed,
        ] {
            #expect(
                resolution(attempt: 1).action(ended: .revoked, start: start, stopping: false, random: 0)
                    == .ackUnrecorded(.revoked))
        }
    }

    @Test func aFailureWhileStoppingLeavesTheDeliveryUnackedButAResultIsRecorded() {
        #expect(
            resolution(attempt: 1).action(
                ended: failed(CancellationError()), start: .writtenBefore, stopping: true, random: 0)
                == .leaveUnacked)
        #expect(
            resolution(attempt: 1).action(ended: .finished(.null), start: .writtenBefore, stopping: true, random: 0)
                == .record(.success(.null), recordsStart: false))
    }

    @Test func theStartDecidesWhetherTheOutcomeIsRecorded() {
        let attempt = resolution(attempt: 2)
        func action(_ start: AttemptResolution.Start) -> AttemptResolution.Action {
            attempt.action(ended: .finished(.null), start: start, stopping: false, random: 0)
        }
        #expect(action(.writtenBefore) == .record(.success(.null), recordsStart: false))
        #expect(action(.unwritten) == .record(.success(.null), recordsStart: true))
        #expect(action(.writtenWhileRunning(attempt: 2)) == .record(.success(.null), recordsStart: false))
        #expect(action(.writtenWhileRunning(attempt: 3)) == .ackUnrecorded(.fencedOff))
        #expect(action(.writtenWhileRunning(attempt: nil)) == .ackUnrecorded(.fencedOff))
        #expect(action(.writeFailed) == .giveBack)
    }
}
