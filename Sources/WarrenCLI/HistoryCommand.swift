import ArgumentParser
import Foundation
import Logging
import Warren

#if canImport(Glibc)
    import Glibc
#endif

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Manage the task history.",
        subcommands: [Purge.self])

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete finished tasks older than a duration, with their events and dead letters.",
            discussion: """
                Deletes tasks that finished (SUCCESS, FAILURE, REVOKED, or only those given with --state) \
                longer ago than --older-than, with their events and dead letters, in batches, as `warren api` \
                does continuously for WARREN_RETAIN_SUCCESS, WARREN_RETAIN_FAILURE and WARREN_RETAIN_REVOKED. \
                Tasks with a dead letter still waiting in a dead-letter queue are kept: replay or purge it \
                first. Waits while another process applies retention. Expired results are cleared too.

                  warren history purge --older-than 30d
                  warren history purge --older-than 7d --state SUCCESS
                """)

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "How long ago a task must have finished: 12h, 30d.")
        var olderThan: String

        @Option(help: "Only tasks in this state (SUCCESS, FAILURE or REVOKED); repeat for more.")
        var state: [String] = []

        @Flag(help: "Print the totals as JSON.")
        var json = false

        func run() async throws {
            guard let seconds = TimeText.seconds(olderThan) else {
                throw ValidationError("--older-than must be a duration: 12h, 30d")
            }
            let finished: [TaskState] = [.success, .failure, .revoked]
            var states = Set(finished)
            if !state.isEmpty {
                states = try Set(
                    state.map { text in
                        guard let state = TaskState(rawValue: text.uppercased()), finished.contains(state) else {
                            throw ValidationError("--state must be SUCCESS, FAILURE or REVOKED, not \(text)")
                        }
                        return state
                    })
            }
            let configuration = try connection.configuration()
            WarrenLogging.bootstrap(configuration)
            let retention = HistoryRetention(
                databaseURL: configuration.databaseURL, policy: RetentionPolicy(olderThan: seconds, states: states),
                logger: Logger(label: "warren.history"))
            let onTerminal = isatty(STDERR_FILENO) == 1
            let totals = try await retention.purge { totals in
                guard onTerminal else { return }
                FileHandle.standardError.write(
                    Data("\rread \(totals.walked) tasks, deleted \(totals.tasks)".utf8))
            }
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if json {
                let document: JSONValue = [
                    "tasks": JSONValue(totals.tasks), "events": JSONValue(totals.events),
                    "dead_letters": JSONValue(totals.deadLetters), "results_expired": JSONValue(totals.results),
                ]
                print(document.jsonText)
            } else {
                print(
                    "deleted \(totals.tasks) tasks, \(totals.events) events and \(totals.deadLetters) dead letters; "
                        + "cleared \(totals.results) expired results")
            }
        }
    }
}
