import ArgumentParser
import Foundation
import Warren

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print every state a task went through, in order.",
        discussion: "Exits 1 when no task has the id.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's id.", transform: taskID)
    var id: UUID

    @Flag(help: "Print the events as the REST API answers them.")
    var json = false

    func run() async throws {
        let events = try await connection.withClient { client in try await client.events(of: id) }
        guard let events else { throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())") }
        if json {
            print(
                TaskEvent.document(of: id, events)
                    .jsonText)
            return
        }
        printTable(
            ["AT", "STATE", "ATTEMPT", "WORKER", "DETAIL"],
            events.map {
                [
                    ISO8601Timestamp.format($0.at), $0.state, String($0.attempt), $0.worker ?? "-",
                    $0.detail?.jsonText ?? "",
                ]
            })
    }
}
