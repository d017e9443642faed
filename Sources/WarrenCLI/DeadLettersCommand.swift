import ArgumentParser
import Foundation
import Warren

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect the dead letters: messages that will not be retried, with why.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead letters, newest first, and the messages waiting in each dead-letter queue.",
            discussion: """
                  warren dlq list --queue emails --since 1d
                  warren dlq list --reason retries_exhausted --json
                """)

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only dead letters from this queue.")
        var queue: String?

        @Option(help: "Only dead letters of tasks of this name.")
        var task: String?

        @Option(help: "Only dead letters with this reason (retries_exhausted, not_retryable, time_limit, …).")
        var reason: String?

        @OptionGroup var listing: ListingOptions

        func run() async throws {
            let filters = [("queue", queue), ("task", task), ("reason", reason)]
            let query = try DeadLetterQuery(parameters: listing.parameters(filters), now: Date())
            let page = try await connection.withClient { client in try await client.deadLetters(matching: query) }
            listing.print(
                page.document, header: ["ID", "QUEUE", "TASK", "REASON", "ATTEMPTS", "AT", "TASK ID"],
                rows: page.deadLetters.map {
                    [
                        String($0.id), $0.queue, $0.task ?? "-", $0.reason, $0.attempts.map(String.init) ?? "-",
                        ISO8601Timestamp.format($0.at), $0.taskID?.uuidString.lowercased() ?? "-",
                    ]
                }, next: page.nextCursor?.text)
            if listing.json { return }
            for (queue, messages) in page.waiting {
                print(
                    "\(Topology.deadLetterQueue(of: queue)): \(messages.map { "\($0) message\($0 == 1 ? "" : "s")" } ?? "no such queue")"
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one dead letter: its task, reason, error, arguments and the message it kept.",
            discussion: "Exits 1 when no dead letter has the id.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The dead letter's id (the first column of warren dlq list).")
        var id: Int

        @Flag(help: "Print it as the REST API answers it.")
        var json = false

        func run() async throws {
            let letter = try await connection.withClient { client in try await client.deadLetter(id) }
            guard let letter else { throw WarrenError(.notFound, "no dead letter has the id \(id)") }
            if json {
                print(letter.document.jsonText)
                return
            }
            print("queue: \(letter.queue) (its messages wait in \(Topology.deadLetterQueue(of: letter.queue)))")
            print("task: \(letter.task ?? "-") \(letter.taskID?.uuidString.lowercased() ?? "(no readable id)")")
            print(
                "reason: \(letter.reason), attempts: \(letter.attempts.map(String.init) ?? "-"), at: \(ISO8601Timestamp.format(letter.at))"
            )
            if let error = letter.error?["message"]?.stringValue { print("error: \(error)") }
            if let args = letter.args { print("args: \(args.jsonText)") }
            if let state = letter.state { print("task state now: \(state.rawValue)") }
        }
    }
}
