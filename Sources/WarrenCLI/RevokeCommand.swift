import ArgumentParser
import Foundation
import Logging
import Warren

struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a task so that it never starts; --terminate also cancels it while it runs.",
        discussion: """
              warren revoke 5f0c2a9e-…
              warren revoke 5f0c2a9e-… --terminate
            Exits 1 when the task has finished already or does not exist.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's id.", transform: taskID)
    var id: UUID

    @Flag(help: "Cancel the task if it is running.")
    var terminate = false

    @Flag(help: "Print the revoked task as POST /v1/tasks/{id}/revoke answers.")
    var json = false

    func run() async throws {
        let record = try await connection.withClient { client in try await client.revoke(id, terminate: terminate) }
        try printRecord(record, json: json)
    }
}
