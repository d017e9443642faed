public import Foundation
import WarrenCore
import WarrenPostgres

/// Computes task statistics from Warren's own history — per task type: how many ran, succeeded
/// and failed, and how long attempts took — and stores the report as the task's result. It reads
/// one task type at a time, walking the `(task, created_at, id)` index, and reports its progress
/// after each. Runs on `reports`.
public struct GenerateReport: TaskDefinition {
    public struct Arguments: Codable, Sendable {
        /// How far back to look, in hours (default 24, at most 8784).
        public var hours: Int?
        /// Only this task type, when set.
        public var task: String?

        public init(hours: Int? = nil, task: String? = nil) {
            self.hours = hours
            self.task = task
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var task: String
        public var total: Int
        public var succeeded: Int
        public var failed: Int
        public var revoked: Int
        /// Not finished yet: waiting, running or waiting to be retried.
        public var unfinished: Int
        /// Mean and 95th percentile of STARTED → finished, in milliseconds (nil when none finished).
        public var meanMilliseconds: Double?
        public var p95Milliseconds: Double?
    }

    public struct Result: Codable, Sendable {
        public var hours: Int
        public var generatedAt: Date
        public var rows: [Row]
    }

    public static let name = "generate_report"
    public static let options = TaskOptions(queue: "reports")

    public init() {}

    public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        let hours = arguments.hours ?? 24
        guard (1...8784).contains(hours) else { throw ReportError.invalidWindow(hours) }
        var types = [String]()
        if let task = arguments.task {
            types = [task]
        } else {
            context.progress(0, "finding the task types")
            // One probe of the index per task type, however many tasks there are.
            types = try await context.database.query(
                """
                WITH RECURSIVE types AS (
                    SELECT min(task) AS task FROM warren.tasks
                    UNION ALL
                    SELECT (SELECT min(task) FROM warren.tasks WHERE task > types.task) FROM types WHERE task IS NOT NULL
                )
                SELECT task FROM types WHERE task IS NOT NULL
                """
            ).map { try $0.decode("task") }
        }
        var rows: [Row] = []
        for (index, task) in types.enumerated() {
            if let row = try await summary(of: task, hours: hours, context.database) { rows.append(row) }
            context.progress(Double(index + 1) / Double(types.count), "\(index + 1) of \(types.count) task types")
        }
        return Result(hours: hours, generatedAt: Date(), rows: rows)
    }

    /// One task type's row over the last `hours`, or nil when it has no task there.
    private func summary(of task: String, hours: Int, _ database: PostgresPool) async throws -> Row? {
        let rows = try await database.query(
            """
            SELECT task,
                   count(*) AS total,
                   count(*) FILTER (WHERE state = \(TaskState.success.rawValue)) AS succeeded,
                   count(*) FILTER (WHERE state = \(TaskState.failure.rawValue)) AS failed,
                   count(*) FILTER (WHERE state = \(TaskState.revoked.rawValue)) AS revoked,
                   count(*) FILTER (WHERE NOT (state = ANY(ARRAY[\(TaskState.success.rawValue), \(TaskState.failure.rawValue), \(TaskState.revoked.rawValue)]))) AS unfinished,
                   avg(extract(epoch FROM finished_at - started_at) * 1000) AS mean_ms,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at) * 1000)
                       AS p95_ms
            FROM warren.tasks
            WHERE task = \(task) AND created_at >= now() - make_interval(hours => \(hours))
            GROUP BY task
            """)
        return try rows.first.map { row in
            Row(
                task: try row.decode("task"), total: try row.decode("total"), succeeded: try row.decode("succeeded"),
                failed: try row.decode("failed"), revoked: try row.decode("revoked"),
                unfinished: try row.decode("unfinished"), meanMilliseconds: try row.decodeIfPresent("mean_ms"),
                p95Milliseconds: try row.decodeIfPresent("p95_ms"))
        }
    }
}

/// Why `generate_report` refused its arguments.
public enum ReportError: Error, CustomStringConvertible {
    case invalidWindow(Int)

    public var description: String {
        switch self {
        case .invalidWindow(let hours): "hours must be from 1 to 8784, not \(hours)"
        }
    }
}
