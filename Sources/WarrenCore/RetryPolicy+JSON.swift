extension RetryPolicy {
    /// The policy as JSON: `{"max_retries", "backoff", "delay", "max_delay", "jitter", "on"}`.
    public var json: JSONValue {
        [
            "max_retries": JSONValue(maxRetries), "backoff": .string(backoff.rawValue),
            "delay": JSONValue(delay), "max_delay": JSONValue(maximumDelay), "jitter": JSONValue(jitter),
            "on": .string(retryOn.rawValue),
        ]
    }

    /// Reads a policy from JSON; fields left out keep the values of `base`.
    /// - Throws: ``WarrenError`` `invalidArguments` naming each wrong field (as `$.retry.<field>`).
    public init(json: JSONValue, over base: RetryPolicy) throws {
        guard case .object(let fields) = json else {
            throw WarrenError(.invalidArguments, "$.retry: must be an object")
        }
        var problems: [String] = []
        let known: Set<String> = ["max_retries", "backoff", "delay", "max_delay", "jitter", "on"]
        for name in fields.keys.sorted() where !known.contains(name) {
            problems.append("$.retry.\(name): is not a known field")
        }
        func number(_ name: String) -> Double? {
            guard let value = fields[name], value != .null else { return nil }
            guard case .number(let number) = value else {
                problems.append("$.retry.\(name): must be a number")
                return nil
            }
            return number.doubleValue
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) -> T? where T.RawValue == String {
            guard let value = fields[name], value != .null else { return nil }
            guard let text = value.stringValue, let choice = T(rawValue: text) else {
                problems.append("$.retry.\(name): must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return choice
        }
        var maxRetries: Int?
        if let value = fields["max_retries"], value != .null {
            maxRetries = if case .number(let number) = value { number.integer(in: Self.retryRange) } else { nil }
            if maxRetries == nil {
                problems.append(
                    "$.retry.max_retries: must be an integer from \(Self.retryRange.lowerBound) to \(Self.retryRange.upperBound)"
                )
            }
        }
        let backoff = choice("backoff", Backoff.self)
        let retryOn = choice("on", RetryOn.self)
        let delay = number("delay")
        let maximumDelay = number("max_delay")
        let jitter = number("jitter")
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        do {
            try self.init(
                maxRetries: maxRetries ?? base.maxRetries, backoff: backoff ?? base.backoff,
                delay: delay ?? base.delay, maximumDelay: maximumDelay ?? max(base.maximumDelay, delay ?? 0),
                jitter: jitter ?? base.jitter, retryOn: retryOn ?? base.retryOn)
        } catch let error as WarrenError {
            throw WarrenError(.invalidArguments, "$.retry: \(error.message)")
        }
    }
}
