import Foundation
import Synchronization

/// The plans PostgreSQL chooses for the statements run in a task while ``recorder`` is set: each
/// statement is explained (`EXPLAIN`, which runs nothing) just before it runs, with the same
/// parameters. For diagnostics, such as the benchmark's plan summaries; never set in production.
public enum PostgresPlans {
    @TaskLocal public static var recorder: Recorder?

    /// Whether `sql` is a statement `EXPLAIN` takes (not `BEGIN`, `COMMIT`, `SET`, …).
    static func explains(_ sql: String) -> Bool {
        let first = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        return ["SELECT", "WITH", "INSERT", "UPDATE", "DELETE"].contains(first)
    }

    public final class Recorder: Sendable {
        private let recorded = Mutex<[[String]]>([])

        public init() {}

        /// Each statement's plan nodes, in order, outermost first: `Limit`, `Index Scan Backward
        /// using tasks_created_at_id on tasks`, …
        public var plans: [[String]] { recorded.withLock { $0 } }

        func record(_ lines: [String]) {
            let nodes = lines.enumerated().compactMap { index, line -> String? in
                if index == 0 { return line.trimmingCharacters(in: .whitespaces) }
                guard let arrow = line.range(of: "->  ") else { return nil }
                return String(line[arrow.upperBound...])
            }
            recorded.withLock { $0.append(nodes) }
        }
    }
}
