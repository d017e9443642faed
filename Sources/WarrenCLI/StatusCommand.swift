import ArgumentParser
import Foundation
import Logging
import Warren

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print a task's state, progress and result.",
        discussion: """
              warren status 5f0c2a9e-…
              warren status 5f0c2a9e-… --follow    # a line at each change of state or progress, until it finishes
              warren status 5f0c2a9e-… --json
            Exits 1 when the task failed or does not exist.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's id.", transform: taskID)
    var id: UUID

    @Flag(help: "Print each change of its state or progress until it finishes, then its result.")
    var follow = false

    @Flag(help: "Print the task as GET /v1/tasks/{id} answers (with --follow, a line of JSON at each change).")
    var json = false

    func run() async throws {
        let record = try await connection.withClient(maximumConnections: 2) { client -> TaskRecord? in
            guard follow else { return try await client.status(of: id) }
            var last: TaskRecord?
            for try await change in try await client.changes(of: id) {
                guard let change else { continue }
                if !change.state.isTerminal { print(json ? change.document.jsonText : progressLine(change)) }
                last = change
            }
            return last
        }
        guard let record else { throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())") }
        try printRecord(record, json: json)
    }

    private func progressLine(_ record: TaskRecord) -> String {
        record.state.rawValue + (record.progress.map { " \(progressText($0))" } ?? "")
    }
}
