/// Does nothing and returns `{}`: for benchmarks and smoke tests. Runs on `default`.
public struct Noop: TaskDefinition {
    public struct Arguments: Codable, Sendable {
        public init() {}
    }
    public struct Result: Codable, Sendable {
        public init() {}
    }

    public static let name = "noop"
    public static let options = TaskOptions(queue: "default")

    public init() {}

    public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        Result()
    }
}
