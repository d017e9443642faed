import ArgumentParser
import Foundation
import Logging
import Warren

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print a task's state and result.",
        discussion: "Exits 1 when the task failed or does not exist.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's id.", transform: taskID)
    var id: UUID

    func run() async throws {
        let record = try await connection.withClient { client in try await client.status(of: id) }
        guard let record else { throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())") }
        try printRecord(record)
    }
}
