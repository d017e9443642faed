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
              warren submit noop --json
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

    @Option(help: "How many times a failed attempt is retried, instead of the task type's policy's number.")
    var maxRetries: Int?

    @Flag(help: "Wait for the task to finish and print its result.")
    var wait = false

    @Option(help: "Seconds to wait with --wait.")
    var timeout: Int = 60

    @Flag(help: "Print the receipt as POST /v1/tasks answers, and with --wait the task as GET answers it.")
    var json = false

    func run() async throws {
        let arguments = try JSONValue(parsing: Array(args.utf8))
        let record = try await connection.withClient(maximumConnections: 2) { client -> TaskRecord? in
            let receipt = try await client.submit(
                Submission(
                    task: task, args: arguments, queue: queue, priority: priority, idempotencyKey: idempotencyKey,
                    maxRetries: maxRetries))
            if json {
                print(receipt.document.jsonText)
            } else {
                print(receipt.id.uuidString.lowercased())
            }
            guard wait else { return nil }
            return try await client.waitForCompletion(of: receipt.id, timeout: .seconds(timeout))
        }
        if let record { try printRecord(record, json: json) }
    }
}
