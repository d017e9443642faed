import Foundation
public import Warren
public import WarrenPostgres

/// Tasks with controllable behaviour, for Warren's own tests and fault scenarios.
public enum TestTasks {
    /// All of them, registered.
    public static func registry(databaseURL: String) -> TaskRegistry {
        var registry = TaskRegistry()
        registry.register(Echo())
        registry.register(Fail())
        registry.register(NULText())
        registry.register(Sleep())
        registry.register(Flaky())
        registry.register(Slow())
        registry.register(Stubborn())
        registry.register(Ledger(databaseURL: databaseURL))
        registry.register(Crash())
        registry.register(CountRun(databaseURL: databaseURL))
        registry.register(Paced())
        registry.register(Clock())
        registry.register(Gated())
        registry.register(Progressing())
        return registry
    }

    /// Returns when it ran (seconds since 1970), at most 5 times a second across all workers, on
    /// its own queue.
    public struct Paced: TaskDefinition {
        public struct Arguments: Codable, Sendable { public init() {} }
        public typealias Result = Double
        public static let name = "test.paced"
        public static let options = TaskOptions(queue: "test-paced", rateLimit: RateLimit(5, per: .second))
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Double {
            Date().timeIntervalSince1970
        }
    }

    /// Returns when it ran (seconds since 1970): when a worker really ran a task, which its row's
    /// `started_at` may not say on a busy machine (a start written with its outcome is stored as
    /// that statement's time less the run time).
    public struct Clock: TaskDefinition {
        public struct Arguments: Codable, Sendable { public init() {} }
        public typealias Result = Double
        public static let name = "test.clock"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Double {
            Date().timeIntervalSince1970
        }
    }

    /// Returns its argument.
    public struct Echo: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var value: JSONValue
            public init(value: JSONValue) { self.value = value }
        }
        public typealias Result = JSONValue
        public static let name = "test.echo"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> JSONValue { arguments.value }
    }

    /// Always throws ``Failure`` with the message given.
    public struct Fail: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var message: String
            public init(message: String) { self.message = message }
        }
        public struct Failure: Error, CustomStringConvertible {
            public var description: String
        }
        public typealias Result = JSONValue
        public static let name = "test.fail"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> JSONValue {
            throw Failure(description: arguments.message)
        }
    }

    /// Returns, or with `fail` throws, text holding U+0000, which PostgreSQL cannot store.
    public struct NULText: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var fail: Bool
            public init(fail: Bool) { self.fail = fail }
        }
        public typealias Result = JSONValue
        public static let name = "test.nul_text"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> JSONValue {
            if arguments.fail { throw Fail.Failure(description: "a\u{0}b") }
            return .string("a\u{0}b")
        }
    }

    /// Fails its first `failures` attempts, then returns the attempt number. Its errors are
    /// retryable when `retryable` is set; with `requestedDelay` it asks for the retry itself.
    /// Its own policy retries 3 times, 1 s apart.
    public struct Flaky: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var failures: Int
            public var retryable: Bool
            public var requestedDelay: Double?
            public init(failures: Int, retryable: Bool = true, requestedDelay: Double? = nil) {
                self.failures = failures
                self.retryable = retryable
                self.requestedDelay = requestedDelay
            }
        }
        public struct Transient: RetryableError, CustomStringConvertible {
            public var description: String { "transient trouble" }
        }
        public struct Permanent: Error, CustomStringConvertible {
            public var description: String { "permanent trouble" }
        }
        public typealias Result = Int
        public static let name = "test.flaky"
        public static let options = TaskOptions(retry: try! .fixed(1, maxRetries: 3))
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
            guard context.attempt > arguments.failures else {
                if let delay = arguments.requestedDelay {
                    throw TaskRetry(after: .seconds(delay), reason: "asked to wait")
                }
                if arguments.retryable { throw Transient() }
                throw Permanent()
            }
            return context.attempt
        }
    }

    /// Records its side effect once per task (`warren_test.effects`, unique by task id), then
    /// waits a little: the fault scenarios' ledger counts these effects.
    public struct Ledger: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var milliseconds: Int
            public init(milliseconds: Int) { self.milliseconds = milliseconds }
        }
        public typealias Result = Int
        public static let name = "test.ledger"
        private let pool: PostgresPool

        public init(databaseURL: String) {
            pool = PostgresPool(uri: databaseURL, maximumConnections: 2)
        }

        /// Its database was unreachable: worth another attempt.
        public struct EffectNotRecorded: RetryableError, CustomStringConvertible {
            public var description: String
        }

        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
            do {
                _ = try await pool.query(
                    "INSERT INTO warren_test.effects (task_id, attempt) VALUES (\(context.id), \(context.attempt)) ON CONFLICT (task_id) DO NOTHING"
                )
            } catch {
                throw EffectNotRecorded(description: "\(error)")
            }
            try await Task.sleep(for: .milliseconds(arguments.milliseconds))
            return context.attempt
        }

        /// Creates `warren_test.effects` if needed.
        public static func prepare(_ pool: PostgresPool) async throws {
            _ = try await pool.query("CREATE SCHEMA IF NOT EXISTS warren_test")
            _ = try await pool.query(
                "CREATE TABLE IF NOT EXISTS warren_test.effects (task_id uuid PRIMARY KEY, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT now())"
            )
        }
    }

    /// Kills its own worker process with SIGKILL: a poison message. Only for worker processes
    /// started by the fault scenarios.
    public struct Crash: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public init() {}
        }
        public typealias Result = Int
        public static let name = "test.crash"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
            kill(getpid(), SIGKILL)
            return 0
        }
    }

    /// Sleeps, honouring cancellation, under a soft time limit of 1 s (hard: 5 s).
    public struct Slow: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var seconds: Double
            public init(seconds: Double) { self.seconds = seconds }
        }
        public typealias Result = Double
        public static let name = "test.slow"
        public static let options = TaskOptions(softTimeLimit: .seconds(1), timeLimit: .seconds(5))
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Double {
            try await Task.sleep(for: .milliseconds(Int(arguments.seconds * 1000)))
            return arguments.seconds
        }
    }

    /// Waits, ignoring cancellation (without holding a thread), under a hard time limit of 1 s:
    /// the kind of code a hard limit exists for.
    public struct Stubborn: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var seconds: Double
            public init(seconds: Double) { self.seconds = seconds }
        }
        public typealias Result = Double
        public static let name = "test.stubborn"
        public static let options = TaskOptions(timeLimit: .seconds(1))
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Double {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + arguments.seconds) { continuation.resume() }
            }
            return arguments.seconds
        }
    }

    /// Sleeps, honouring cancellation.
    public struct Sleep: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var seconds: Double
            public init(seconds: Double) { self.seconds = seconds }
        }
        public struct Result: Codable, Sendable {
            public var slept: Double
        }
        public static let name = "test.sleep"
        public init() {}
        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
            try await Task.sleep(for: .milliseconds(Int(arguments.seconds * 1000)))
            return Result(slept: arguments.seconds)
        }
    }

    /// Fails until its gate is open (a row in `warren_test.gates`), then returns its attempt: a task
    /// that fails until an operator fixes what it needs, then replays it. Its failures are
    /// retryable; its own policy tries twice, 1 s apart.
    public struct Gated: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var gate: String
            public init(gate: String) { self.gate = gate }
        }
        public struct Closed: RetryableError, CustomStringConvertible {
            public var gate: String
            public var description: String { "gate \(gate) is closed" }
        }
        public typealias Result = Int
        public static let name = "test.gated"
        public static let options = TaskOptions(retry: try! .fixed(1, maxRetries: 1))
        public init() {}

        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
            let rows = try await context.database.query(
                "SELECT 1 FROM warren_test.gates WHERE name = \(arguments.gate)")
            guard !rows.isEmpty else { throw Closed(gate: arguments.gate) }
            return context.attempt
        }

        /// Opens a gate.
        public static func open(_ gate: String, _ pool: PostgresPool) async throws {
            _ = try await pool.query("INSERT INTO warren_test.gates (name) VALUES (\(gate)) ON CONFLICT DO NOTHING")
        }

        /// Creates `warren_test.gates` if needed.
        public static func prepare(_ pool: PostgresPool) async throws {
            _ = try await pool.query("CREATE SCHEMA IF NOT EXISTS warren_test")
            _ = try await pool.query("CREATE TABLE IF NOT EXISTS warren_test.gates (name text PRIMARY KEY)")
        }
    }

    /// Reports its progress `steps` times, `milliseconds` apart ("3 of 20"), then returns `steps`.
    /// With a `gate`, it first reports 0.5, "halfway", and waits for the gate to open
    /// (``Gated/open(_:_:)``): a test sees that report for sure before the task goes on.
    public struct Progressing: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public var steps: Int
            public var milliseconds: Int
            public var gate: String?
            public init(steps: Int, milliseconds: Int, gate: String? = nil) {
                self.steps = steps
                self.milliseconds = milliseconds
                self.gate = gate
            }
        }
        public typealias Result = Int
        public static let name = "test.progress"
        public init() {}

        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
            if let gate = arguments.gate {
                context.progress(0.5, "halfway")
                while try await context.database.query("SELECT 1 FROM warren_test.gates WHERE name = \(gate)").isEmpty {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            for step in 1...max(arguments.steps, 1) {
                try await Task.sleep(for: .milliseconds(arguments.milliseconds))
                context.progress(Double(step) / Double(arguments.steps), "\(step) of \(arguments.steps)")
            }
            return arguments.steps
        }
    }

    /// Inserts a row per run into `warren_test.runs`, so a test can count how often a task
    /// really ran.
    public struct CountRun: TaskDefinition {
        public struct Arguments: Codable, Sendable {
            public init() {}
        }
        public struct Result: Codable, Sendable {
            public var runs: Int
        }
        public static let name = "test.count"
        private let pool: PostgresPool

        public init(databaseURL: String) {
            pool = PostgresPool(uri: databaseURL, maximumConnections: 1)
        }

        public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
            let rows = try await pool.query(
                """
                WITH inserted AS (INSERT INTO warren_test.runs (task_id, attempt) VALUES (\(context.id), \(context.attempt)))
                SELECT count(*) + 1 AS runs FROM warren_test.runs WHERE task_id = \(context.id)
                """)
            return Result(runs: try rows.first!.decode("runs"))
        }

        /// Creates `warren_test.runs` if needed.
        public static func prepare(_ pool: PostgresPool) async throws {
            _ = try await pool.query("CREATE SCHEMA IF NOT EXISTS warren_test")
            _ = try await pool.query(
                "CREATE TABLE IF NOT EXISTS warren_test.runs (task_id uuid NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT now())"
            )
        }
    }
}
