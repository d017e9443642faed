import Foundation

extension Submission {
    /// Reads a submission as the REST API takes it: `{"task", "args", "queue"?, "priority"?,
    /// "idempotency_key"?, "countdown"?, "eta"?, "retry"?, "max_retries"?, "result_ttl"?}`.
    /// - Throws: ``WarrenError`` `invalidArguments`, naming each field that is wrong.
    public init(document: JSONValue) throws {
        guard case .object(let fields) = document else {
            throw WarrenError(.invalidArguments, "$: the body must be a JSON object")
        }
        var problems: [String] = []
        let known: Set<String> = [
            "task", "args", "queue", "priority", "idempotency_key", "countdown", "eta", "retry", "max_retries",
            "result_ttl",
        ]
        for name in fields.keys.sorted() where !known.contains(name) {
            problems.append("$.\(name): is not a known field")
        }
        let task = fields["task"]?.stringValue
        if task == nil { problems.append("$.task: is required and must be a string") }
        func optionalString(_ name: String) -> String? {
            guard let value = fields[name], value != .null else { return nil }
            guard let text = value.stringValue else {
                problems.append("$.\(name): must be a string")
                return nil
            }
            return text
        }
        let queue = optionalString("queue")
        let idempotencyKey = optionalString("idempotency_key")
        func optionalInteger(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = fields[name], value != .null else { return nil }
            guard case .number(let number) = value, let integer = number.integer(in: range) else {
                problems.append("$.\(name): must be an integer from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return integer
        }
        let priority = optionalInteger("priority", 0...9)
        let maxRetries = optionalInteger("max_retries", RetryPolicy.retryRange)
        var countdown: Double?
        if let value = fields["countdown"], value != .null {
            if case .number(let number) = value, (0...Double(DelayRoute.maximumSeconds)).contains(number.doubleValue) {
                countdown = number.doubleValue
            } else {
                problems.append("$.countdown: must be a number of seconds from 0 to \(DelayRoute.maximumSeconds)")
            }
        }
        var resultTTL: Double?
        if let value = fields["result_ttl"], value != .null {
            if case .number(let number) = value, (0...Self.maximumResultTTL).contains(number.doubleValue) {
                resultTTL = number.doubleValue
            } else {
                problems.append("$.result_ttl: must be a number of seconds from 0 to \(Int(Self.maximumResultTTL))")
            }
        }
        var eta: Date?
        if let text = optionalString("eta") {
            eta = ISO8601Timestamp.parse(text)
            if eta == nil { problems.append("$.eta: must be an ISO 8601 timestamp, e.g. 2026-12-01T09:00:00Z") }
        }
        if !problems.isEmpty { throw WarrenError(.invalidArguments, problems.joined(separator: "; ")) }
        self.init(
            task: task!, args: fields["args"] ?? .object([:]), queue: queue, priority: priority,
            idempotencyKey: idempotencyKey, countdown: countdown, eta: eta,
            retry: fields["retry"].flatMap { $0 == .null ? nil : $0 },
            maxRetries: maxRetries, resultTTL: resultTTL)
    }
}
