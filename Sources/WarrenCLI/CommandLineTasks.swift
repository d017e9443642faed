import ArgumentParser
import Foundation
import Logging
import Warren

/// How tasks appear on the command line.

/// Prints a task's row for a person, or as JSON; throws (exit 1) if it failed.
func printRecord(_ record: TaskRecord, json: Bool) throws {
    if json {
        print(record.document.jsonText)
    } else {
        print("state: \(record.state.rawValue)")
        print("task: \(record.task) on \(record.queue), attempts: \(record.attempts)")
        if let progress = record.progress { print("progress: \(progressText(progress))") }
        if let result = record.result { print("result: \(result.jsonText)") }
        if let expired = record.resultExpiredAt { print("result: expired at \(ISO8601Timestamp.format(expired))") }
        if let error = record.error { print("error: \(error.jsonText)") }
    }
    if record.state == .failure { throw ExitCode(1) }
}

/// `42% 12 of 30 pages`.
func progressText(_ progress: TaskProgress) -> String {
    String(format: "%.0f%%", progress.fraction * 100) + (progress.message.map { " \($0)" } ?? "")
}

/// A task id given on the command line.
func taskID(_ argument: String) throws -> UUID {
    guard let id = UUID(uuidString: argument) else { throw ValidationError("\(argument) is not a task id (a UUID)") }
    return id
}

/// Prints rows under a header, each column as wide as its widest cell.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let cells = row.indices.map { column in
            column == row.count - 1
                ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}
