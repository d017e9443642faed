import ArgumentParser
import Foundation
import Warren

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the task history, newest first.",
        discussion: """
            Filters combine; --since and --until take a duration back from now (30s, 15m, 1h, 7d) or an \
            RFC 3339 time. When there is more, the last line says how to get the next page.

              warren tasks --state FAILURE --since 1h
              warren tasks --task send_email --queue emails --limit 200
              warren tasks --state STARTED --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only tasks in this state (repeat it, or separate states with commas, for several).")
    var state: [String] = []

    @Option(help: "Only tasks of this name.")
    var task: String?

    @Option(help: "Only tasks sent to this queue.")
    var queue: String?

    @Option(help: "Only tasks created before then: 1h, 7d, or an RFC 3339 time.")
    var until: String?

    @OptionGroup var listing: ListingOptions

    func run() async throws {
        let filters =
            state.map { (name: "state", value: Optional($0)) } + [
                ("task", task), ("queue", queue), ("until", until),
            ]
        let query = try TaskQuery(parameters: listing.parameters(filters), now: Date())
        let page = try await connection.withClient { client in try await client.tasks(matching: query) }
        listing.print(
            page.document, header: ["ID", "STATE", "TASK", "QUEUE", "ATTEMPTS", "CREATED"],
            rows: page.tasks.map {
                [
                    $0.id.uuidString.lowercased(), $0.state.rawValue, $0.task, $0.queue, String($0.attempts),
                    ISO8601Timestamp.format($0.createdAt),
                ]
            }, next: page.nextCursor?.text)
    }
}
