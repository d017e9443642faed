import ArgumentParser
import Foundation
import Logging
import Warren

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a task and print its id.",
        discussion: """
              warren submit send_email --args '{"to":"ada@example.com","subject":"Hi","body":"Hello"}'
              warren submit generate_report --args '{"hours":24}' --wait
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's name.")
    var task: String

    @Option(help: "The arguments, as a JSON object.")
    var args: String = "{}"

    @Option(help: "The queue, when not the task's default.")
    var queue: String?

    @Option(help: "0 to 9; higher runs first.")
    var priority: Int?

    @Option(help: "Submitting again with the same key returns the first task.")
    var idempotencyKey: String?

    @Flag(help: "Wait for the task to finish and print its result.")
    var wait = false

    @Option(help: "Seconds to wait with --wait.")
    var timeout: Int = 60

    func run() async throws {
        let arguments = try JSONValue(parsing: Array(args.utf8))
        let record = try await connection.withClient(maximumConnections: 2) { client -> TaskRecord? in
            let receipt = try await client.submit(
                Submission(
                    task: task, args: arguments, queue: queue, priority: priority, idempotencyKey: idempotencyKey))
            print(receipt.id.uuidString.lowercased())
            guard wait else { return nil }
            return try await client.waitForCompletion(of: receipt.id, timeout: .seconds(timeout))
        }
        if let record { try printRecord(record) }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print a task's state and result.",
        discussion: "Exits 1 when the task failed or does not exist.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task's id.", transform: taskID)
    var id: UUID

    func run() async throws {
        let record = try await connection.withClient { client in try await client.status(of: id) }
        guard let record else { throw WarrenError(.notFound, "no task has the id \(id.uuidString.lowercased())") }
        try printRecord(record)
    }
}

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

    func run() async throws {
        let record = try await connection.withClient { client in try await client.revoke(id, terminate: terminate) }
        try printRecord(record)
    }
}

/// Prints a task's row for a person; throws (exit 1) if it failed.
func printRecord(_ record: TaskRecord) throws {
    print("state: \(record.state.rawValue)")
    print("task: \(record.task) on \(record.queue), attempts: \(record.attempts)")
    if let result = record.result { print("result: \(result.jsonText)") }
    if let error = record.error { print("error: \(error.jsonText)") }
    if record.state == .failure { throw ExitCode(1) }
}

/// A task id given on the command line.
func taskID(_ argument: String) throws -> UUID {
    guard let id = UUID(uuidString: argument) else { throw ValidationError("\(argument) is not a task id (a UUID)") }
    return id
}
