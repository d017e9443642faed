import Testing
import WarrenCore

@Suite struct RetryPolicyTests {
    @Test func exponentialDelaysDoubleUpToTheCap() throws {
        let policy = try RetryPolicy.exponential(base: 2, cap: 10, maxRetries: 10, jitter: 0)
        #expect((1...5).map { policy.delaySeconds(beforeRetry: $0, random: 0.5) } == [2, 4, 8, 10, 10])
    }

    @Test func fixedDelaysStayTheSameAndNeverGoBelowOneSecond() throws {
        let policy = try RetryPolicy.fixed(3, maxRetries: 2)
        #expect((1...3).map { policy.delaySeconds(beforeRetry: $0, random: 0.9) } == [3, 3, 3])
        #expect(try RetryPolicy.fixed(0, maxRetries: 1).delaySeconds(beforeRetry: 1, random: 0) == 1)
    }

    @Test func jitterSpreadsTheDelayBothWays() throws {
        let policy = try RetryPolicy.fixed(100, maxRetries: 1, jitter: 0.2)
        #expect(policy.delaySeconds(beforeRetry: 1, random: 0) == 80)
        #expect(policy.delaySeconds(beforeRetry: 1, random: 0.5) == 100)
        #expect(policy.delaySeconds(beforeRetry: 1, random: 0.999_999) == 120)
    }

    @Test func hugeRetryNumbersDoNotOverflow() throws {
        let policy = try RetryPolicy.exponential(base: 1, cap: 3600, maxRetries: 1000, jitter: 0)
        #expect(policy.delaySeconds(beforeRetry: 1000, random: 0) == 3600)
    }

    @Test func decidesRetriesUntilTheyRunOut() throws {
        let policy = try RetryPolicy.fixed(5, maxRetries: 2, retryOn: .anyError)
        #expect(
            policy.decision(afterAttempt: 1, retryable: false, requestedDelay: nil, random: 0)
                == .retry(afterSeconds: 5))
        #expect(
            policy.decision(afterAttempt: 2, retryable: false, requestedDelay: nil, random: 0)
                == .retry(afterSeconds: 5))
        #expect(
            policy.decision(afterAttempt: 3, retryable: false, requestedDelay: nil, random: 0)
                == .fail(reason: .retriesExhausted))
        #expect(policy.maximumAttempts == 3)
    }

    @Test func retriesOnlyMarkedErrorsUnlessToldOtherwise() throws {
        let policy = try RetryPolicy.fixed(5, maxRetries: 2)
        #expect(
            policy.decision(afterAttempt: 1, retryable: false, requestedDelay: nil, random: 0)
                == .fail(reason: .notRetryable))
        #expect(
            policy.decision(afterAttempt: 1, retryable: true, requestedDelay: nil, random: 0) == .retry(afterSeconds: 5)
        )
        // A retry the task asks for uses its own delay, and still counts against max_retries.
        #expect(
            policy.decision(afterAttempt: 1, retryable: false, requestedDelay: 42, random: 0)
                == .retry(afterSeconds: 42))
        #expect(
            policy.decision(afterAttempt: 3, retryable: false, requestedDelay: 42, random: 0)
                == .fail(reason: .retriesExhausted))
        #expect(
            RetryPolicy.never.decision(afterAttempt: 1, retryable: true, requestedDelay: nil, random: 0)
                == .fail(reason: .retriesExhausted))
    }

    @Test func readsJSONOverADefaultAndRoundTrips() throws {
        let policy = try RetryPolicy(
            json: ["max_retries": 5, "backoff": "fixed", "delay": 7, "on": "any"], over: .default)
        #expect(policy.maxRetries == 5)
        #expect(policy.backoff == .fixed)
        #expect(policy.delay == 7)
        #expect(policy.retryOn == .anyError)
        #expect(policy.jitter == RetryPolicy.default.jitter)
        #expect(try RetryPolicy(json: policy.json, over: .never) == policy)
    }

    @Test func namesEveryWrongField() throws {
        let json: JSONValue = ["max_retries": 1.5, "backoff": "linear", "delay": "soon", "colour": 1]
        #expect {
            try RetryPolicy(json: json, over: .default)
        } throws: { error in
            let message = (error as? WarrenError)?.message ?? ""
            return ["$.retry.colour", "$.retry.max_retries", "$.retry.backoff", "$.retry.delay"].allSatisfy(
                message.contains)
        }
        #expect(throws: WarrenError.self) { try RetryPolicy(json: ["jitter": 2], over: .default) }
        #expect(throws: WarrenError.self) { try RetryPolicy(json: ["max_retries": -1], over: .default) }
        #expect(throws: WarrenError.self) { try RetryPolicy(json: ["delay": 1e9], over: .default) }
    }
}

@Suite struct DelayRouteTests {
    @Test func spellsTheDelayInBinaryHighestLevelFirst() throws {
        let route = try DelayRoute(seconds: 5, queue: "emails.v2")
        let words = route.routingKey.split(separator: ".").map(String.init)
        #expect(words.count == DelayRoute.levels + 2)
        #expect(words.suffix(5) == ["1", "0", "1", "emails", "v2"])
        #expect(words.prefix(DelayRoute.levels - 3).allSatisfy { $0 == "0" })
    }

    @Test func coversThirtyDaysAndRefusesWhatItCannotHold() throws {
        #expect(DelayRoute.maximumSeconds >= 30 * 86_400)
        #expect(throws: WarrenError.self) { try DelayRoute(seconds: 0, queue: "q") }
        #expect(throws: WarrenError.self) { try DelayRoute(seconds: DelayRoute.maximumSeconds + 1, queue: "q") }
        let longest = try DelayRoute(seconds: DelayRoute.maximumSeconds, queue: "q")
        #expect(!longest.routingKey.contains("0"))
        #expect(DelayRoute(clamping: 0, queue: "q").seconds == 1)
        #expect(DelayRoute(clamping: Int.max, queue: "q").seconds == DelayRoute.maximumSeconds)
    }

    @Test func levelsAddUpToTheDelay() throws {
        for seconds in [1, 2, 3, 59, 60, 3_600, 86_400, 2_592_000] {
            let key = try DelayRoute(seconds: seconds, queue: "q").routingKey
            let words = key.split(separator: ".")
            let waited = (0..<DelayRoute.levels).filter { words[DelayRoute.levels - 1 - $0] == "1" }
                .map { DelayRoute.timeToLive(level: $0) / 1000 }.reduce(0, +)
            #expect(waited == seconds)
        }
    }

    @Test func bindingKeysPickOneLevelsWord() {
        #expect(DelayRoute.bindingKey(level: 0, bit: true).hasSuffix(".1.#"))
        #expect(DelayRoute.bindingKey(level: DelayRoute.levels - 1, bit: false).hasPrefix("0.*."))
        #expect(DelayRoute.deliveryBindingKey(queue: "a.b").split(separator: ".").count == DelayRoute.levels + 2)
        #expect(DelayRoute.next(level: 0) == DelayRoute.deliveryExchange)
        #expect(DelayRoute.next(level: 3) == DelayRoute.exchange(level: 2))
    }

    @Test func roundsTheRemainingTimeToTheNearestSecond() throws {
        #expect(try DelayRoute.seconds(until: 100.2, now: 100) == nil)
        #expect(try DelayRoute.seconds(until: 100.6, now: 100) == 1)
        #expect(try DelayRoute.seconds(until: 104.4, now: 100) == 4)
        #expect(try DelayRoute.seconds(until: 110, now: 100) == 10)
        #expect(try DelayRoute.seconds(until: 99, now: 100) == nil)
        #expect(throws: WarrenError.self) { try DelayRoute.seconds(until: 1e9, now: 0) }
    }
}

@Suite struct BackoffTests {
    @Test func doublesUpToTheCapAndResets() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(5), jitter: 0)
        #expect(
            (0..<5).map { _ in backoff.next() } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        backoff.reset()
        #expect(backoff.next() == .seconds(1))
    }

    @Test func jitterSpreadsEachWait() {
        var low = Backoff(initial: .seconds(10), maximum: .seconds(10), jitter: 0.5)
        var high = low
        #expect(low.next(random: 0) == .seconds(5))
        #expect(high.next(random: 0.999_999) > .milliseconds(14_999))
    }
}

@Suite struct RetryPolicyJSONRangeTests {
    @Test(arguments: ["1e300", "-1", "1001", "2.5", "9223372036854775808", "\"3\""])
    func refusesAMaxRetriesOutOfRangeWithoutTrapping(text: String) throws {
        let json = try JSONValue(parsing: Array(#"{"max_retries":\#(text)}"#.utf8))
        #expect {
            try RetryPolicy(json: json, over: .default)
        } throws: { error in
            (error as? WarrenError)?.message.contains("$.retry.max_retries: must be") == true
        }
    }

    @Test(arguments: ["delay", "max_delay", "jitter"])
    func refusesHugeDelaysAndJitter(field: String) throws {
        let json = try JSONValue(parsing: Array(#"{"\#(field)":1e300}"#.utf8))
        #expect(throws: WarrenError.self) { try RetryPolicy(json: json, over: .default) }
    }
}
