import ArgumentParser
import Warren

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Manage the queues submissions may name.",
        subcommands: [Declare.self])

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a queue, so that tasks may be submitted to it before a worker consumes it.",
            discussion: """
                  warren queue declare reports-eu
                A queue some worker consumes needs no declaring: workers record theirs as they start.
                """)

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The queue's name: 1 to 200 letters, digits, '_', '-', '.' or ':'.")
        var name: String

        func run() async throws {
            try await connection.withClient { client in try await client.declare(queue: name) }
            print("declared \(name) (and \(name).dead)")
        }
    }
}
