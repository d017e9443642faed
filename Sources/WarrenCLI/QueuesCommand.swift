import ArgumentParser
import Foundation
import Warren

struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Declare, pause and resume queues.",
        subcommands: [Declare.self, Pause.self, Resume.self])

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a queue, so that tasks may be submitted to it before a worker consumes it.",
            discussion: """
                  warren queues declare reports-eu
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

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a queue: within a second no worker starts another task from it, until it is resumed.",
            discussion: """
                  warren queues pause emails
                Submissions to it are still accepted, and wait in it. The pause outlives restarts.
                """)

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The queue's name.")
        var name: String

        func run() async throws {
            let since = try await connection.withClient { client in try await client.pause(queue: name) }
            print("\(name) is paused (since \(ISO8601Timestamp.format(since)))")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused queue: within a second its workers consume it again.",
            discussion: "  warren queues resume emails")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The queue's name.")
        var name: String

        func run() async throws {
            try await connection.withClient { client in try await client.resume(queue: name) }
            print("\(name) is consumed again")
        }
    }
}
