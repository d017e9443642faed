import Foundation

/// The ledger check of every scenario: one row each, printed as a table with the closing line
/// `N passed, N failed`.
struct Ledger {
    /// One line of the ledger table.
    struct Row {
        var scenario: String
        var accepted = 0
        var succeeded = 0
        var failed = 0
        var deadLettered = 0
        var lost = 0
        var duplicates = 0
        var seconds = 0.0
        var notes: [String] = []
        var problems: [String] = []
    }

    private(set) var rows: [Row] = []

    /// The scenarios with a problem.
    var failures: Int { rows.filter { !$0.problems.isEmpty }.count }

    mutating func append(_ row: Row) {
        rows.append(row)
    }

    /// Prints the table, each scenario's notes and problems, and the closing line.
    func printTable() {
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return right ? padding + text : text + padding
        }
        print(
            pad("scenario", 18, right: false) + pad("accepted", 10) + pad("succeeded", 11) + pad("failed", 8)
                + pad("dead-lettered", 15) + pad("lost", 6) + pad("duplicates", 12) + pad("time", 9))
        for row in rows {
            print(
                pad(row.scenario, 18, right: false) + pad("\(row.accepted)", 10) + pad("\(row.succeeded)", 11)
                    + pad("\(row.failed)", 8) + pad("\(row.deadLettered)", 15) + pad("\(row.lost)", 6)
                    + pad("\(row.duplicates)", 12) + pad(String(format: "%.1f s", row.seconds), 9))
        }
        for row in rows {
            for note in row.notes { print("  \(row.scenario): \(note)") }
            for problem in row.problems { print("  \(row.scenario): FAILED: \(problem)") }
        }
        print("\(rows.count - failures) passed, \(failures) failed")
    }
}
