import Foundation

/// The example queries of `docs/sql.md`: each ```` ```sql ```` block under a `### ` heading, as
/// written. The tests run every one, and `scripts/bench --history` times them.
public struct SQLExample: Sendable {
    /// The heading above it, e.g. `1. The slowest task types today`.
    public let title: String
    public let sql: String

    /// The repository's `docs/sql.md`.
    public static var documentPath: String { TestEnvironment.repositoryFile("docs/sql.md") }

    /// Every example in the document at `path`, in order.
    public static func all(in path: String = documentPath) throws -> [SQLExample] {
        var examples: [SQLExample] = []
        var title = ""
        var block: [Substring]? = nil
        for line in try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            if var lines = block {
                if line == "```" {
                    examples.append(SQLExample(title: title, sql: lines.joined(separator: "\n")))
                    block = nil
                } else {
                    lines.append(line)
                    block = lines
                }
            } else if line.hasPrefix("### ") {
                title = String(line.dropFirst(4))
            } else if line == "```sql" {
                block = []
            }
        }
        return examples
    }
}
