/// Waits for `milliseconds` without using a core, then returns `{}`: a stand-in for work that
/// waits on the network or a disk, for benchmarks and for trying concurrency and progress (a wait
/// of a second or more reports its progress at every tenth). Runs on `default`.
public struct Sleep: TaskDefinition {
    public struct Arguments: Codable, Sendable {
        /// How long to wait: 0 to 600,000 (ten minutes).
        public var milliseconds: Int

        public init(milliseconds: Int) {
            self.milliseconds = milliseconds
        }
    }

    public struct Result: Codable, Sendable {
        public init() {}
    }

    public static let name = "sleep"
    public static let options = TaskOptions(queue: "default")
    /// The longest wait it takes: ten minutes.
    public static let maximumMilliseconds = 600_000

    public init() {}

    public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        guard (0...Self.maximumMilliseconds).contains(arguments.milliseconds) else {
            throw TaskError(
                type: "InvalidArguments", message: "milliseconds must be from 0 to \(Self.maximumMilliseconds)")
        }
        let steps = arguments.milliseconds >= 1_000 ? 10 : 1
        for step in 1...steps {
            try await Task.sleep(for: .milliseconds(arguments.milliseconds / steps))
            if steps > 1 {
                context.progress(
                    Double(step) / Double(steps),
                    "slept \(arguments.milliseconds * step / steps) of \(arguments.milliseconds) ms")
            }
        }
        return Result()
    }
}
