import ArgumentParser
import Foundation
import Warren

struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Show the queues; declare, pause and resume them.",
        subcommands: [List.self, Declare.self, Pause.self, Resume.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show each queue: waiting, unacked, consumers, dead letters, oldest wait, tasks per minute and hour.",
            discussion: """
                  warren queues
                  warren queues --json
                Unacked messages and the oldest wait come from RabbitMQ's management API
                (WARREN_RABBITMQ_API_URL); "-" where it could not say.
                """)

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print them as the REST API answers.")
        var json = false

        func run() async throws {
            let overview = try await connection.withClient { client in try await client.queues() }
            if json {
                print(overview.document.jsonText)
                return
            }
            func text(_ value: Int?) -> String { value.map(String.init) ?? "-" }
            func rate(_ counts: QueueCounts) -> String {
                "\(counts.succeeded + counts.failed) (\(counts.failureRate.map { String(format: "%.0f%% failed", $0 * 100) } ?? "-"))"
            }
            printTable(
                [
                    "QUEUE", "STATE", "READY", "LIMIT", "UNACKED", "CONSUMERS", "DEAD", "OLDEST", "LAST MINUTE",
                    "LAST HOUR",
                ],
                overview.queues.map {
                    [
                        $0.queue, $0.pausedAt == nil ? "consumed" : "paused", text($0.ready), text($0.maximumWaiting),
                        text($0.unacknowledged),
                        text($0.consumers), text($0.deadLetters),
                        $0.oldestWaitingSeconds.map { String(format: "%.0fs", $0) } ?? "-", rate($0.lastMinute),
                        rate($0.lastHour),
                    ]
                })
            if let error = overview.managementError { print("RabbitMQ's management API: \(error)") }
        }
    }

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

        @Flag(help: "Print {\"queue\", \"dead_letter_queue\"} as JSON.")
        var json = false

        func run() async throws {
            try await connection.withClient { client in try await client.declare(queue: name) }
            let deadLetters = Topology.deadLetterQueue(of: name)
            if json {
                print(JSONValue.object(["queue": .string(name), "dead_letter_queue": .string(deadLetters)]).jsonText)
            } else {
                print("declared \(name) (and \(deadLetters))")
            }
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

        @Flag(help: "Print the queue as POST /v1/queues/{name}/pause answers.")
        var json = false

        func run() async throws {
            let since = try await connection.withClient { client in try await client.pause(queue: name) }
            if json {
                print(QueueSummary.pauseDocument(of: name, pausedAt: since).jsonText)
            } else {
                print("\(name) is paused (since \(ISO8601Timestamp.format(since)))")
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused queue: within a second its workers consume it again.",
            discussion: "  warren queues resume emails")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The queue's name.")
        var name: String

        @Flag(help: "Print the queue as POST /v1/queues/{name}/resume answers.")
        var json = false

        func run() async throws {
            try await connection.withClient { client in try await client.resume(queue: name) }
            if json {
                print(QueueSummary.pauseDocument(of: name, pausedAt: nil).jsonText)
            } else {
                print("\(name) is consumed again")
            }
        }
    }
}
