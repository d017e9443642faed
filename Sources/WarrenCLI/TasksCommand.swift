import ArgumentParser
import Foundation
import Warren

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the task history, newest first.",
        discussion: """
            Filters combine; --since and --until take a duration back from now (30s, 15m, 1h, 7d) or an
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

    @Option(help: "Only tasks created since then: 1h, 7d, or an RFC 3339 time.")
    var since: String?

    @Option(help: "Only tasks created before then: 1h, 7d, or an RFC 3339 time.")
    var until: String?

    @Option(help: "The most tasks to list (at most \(TaskQuery.maximumLimit)).")
    var limit: Int = TaskQuery.defaultLimit

    @Option(help: "Where to start: the cursor the previous page printed.")
    var cursor: String?

    @Flag(help: "Print the page as the REST API answers it: {\"tasks\": […], \"next_cursor\": …}.")
    var json = false

    func run() async throws {
        var parameters = state.map { (name: "state", value: $0) }
        for (name, value) in [("task", task), ("queue", queue), ("since", since), ("until", until), ("cursor", cursor)]
        {
            if let value { parameters.append((name: name, value: value)) }
        }
        parameters.append((name: "limit", value: String(limit)))
        let query = try TaskQuery(parameters: parameters, now: Date())
        let page = try await connection.withClient { client in try await client.tasks(matching: query) }
        if json {
            print(page.document.jsonText)
            return
        }
        printTable(
            ["ID", "STATE", "TASK", "QUEUE", "ATTEMPTS", "CREATED"],
            page.tasks.map {
                [
                    $0.id.uuidString.lowercased(), $0.state.rawValue, $0.task, $0.queue, String($0.attempts),
                    ISO8601Timestamp.format($0.createdAt),
                ]
            })
        if let next = page.nextCursor { print("more: --cursor \(next.text)") }
    }
}
