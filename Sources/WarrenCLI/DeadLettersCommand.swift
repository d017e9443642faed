import ArgumentParser
import Foundation
import Warren

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect, replay and purge the dead letters: messages that will not be retried, with why.",
        subcommands: [List.self, Show.self, Replay.self, Purge.self])

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

        @Option(help: "dead (waiting in the dead-letter queue), replayed, purged or all.")
        var status = "dead"

        @OptionGroup var listing: ListingOptions

        func run() async throws {
            let filters = [("queue", queue), ("task", task), ("reason", reason), ("status", status)]
            let query = try DeadLetterQuery(parameters: listing.parameters(filters), now: Date())
            let page = try await connection.withClient { client in try await client.deadLetters(matching: query) }
            listing.print(
                page.document, header: ["ID", "QUEUE", "TASK", "REASON", "ATTEMPTS", "AT", "STATUS", "TASK ID"],
                rows: page.deadLetters.map {
                    [
                        String($0.id), $0.queue, $0.task ?? "-", $0.reason, $0.attempts.map(String.init) ?? "-",
                        ISO8601Timestamp.format($0.at), $0.status.rawValue, $0.taskID?.uuidString.lowercased() ?? "-",
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
            print(
                "status: \(letter.status.rawValue)\(letter.resolvedAt.map { " at \(ISO8601Timestamp.format($0))" } ?? "")"
            )
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Send dead letters back to their queues: their tasks run again, with their retry policy's attempts.",
            discussion: """
                  warren dlq replay 17 18
                  warren dlq replay --queue emails --reason retries_exhausted --since 1h
                  warren dlq replay --queue emails --all --yes

                A task is replayed only from FAILURE: running a replay twice replays each task once.
                The dead letters' messages are removed from <queue>.dead. Asks before replaying
                dead letters chosen by --queue, unless --yes is given.
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var selection: DeadLetterSelectionOptions

        func run() async throws {
            let chosen = try selection.selection()
            if case .matching = chosen {
                try selection.confirm("replay", count: try await connection.withClient { try await $0.count(chosen) })
            }
            let report = try await connection.withClient { client in
                try await client.replay(chosen, progress: selection.progressBar("replaying"))
            }
            selection.print(report, done: .replayed)
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discard dead letters: their tasks stay FAILURE, and their messages leave <queue>.dead.",
            discussion: """
                  warren dlq purge 17 --yes
                  warren dlq purge --queue emails --reason unknown_task --yes

                Asks first, unless --yes is given.
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var selection: DeadLetterSelectionOptions

        func run() async throws {
            let chosen = try selection.selection()
            try selection.confirm("purge", count: try await connection.withClient { try await $0.count(chosen) })
            let report = try await connection.withClient { client in
                try await client.purge(chosen, progress: selection.progressBar("purging"))
            }
            selection.print(report, done: .purged)
        }
    }
}
