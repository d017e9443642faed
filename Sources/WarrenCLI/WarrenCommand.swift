import ArgumentParser
import Foundation
import Logging
import Warren

@main
struct WarrenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren",
        abstract: "A distributed task system on RabbitMQ and PostgreSQL.",
        discussion: """
            Settings come from WARREN_* environment variables; the flags below override them.

              warren migrate
              warren api
              warren worker --queues emails,reports --concurrency 8
              warren submit send_email --args '{"to":"ada@example.com","subject":"Hi","body":"Hello"}' --wait
              warren status 5f0c2a9e-…
              warren revoke 5f0c2a9e-… --terminate
              warren tasks --state FAILURE --since 1h
              warren events 5f0c2a9e-…
              warren dlq list --queue emails
              warren keys create --role submit --name billing
            """,
        subcommands: [
            APICommand.self, WorkerCommand.self, MigrateCommand.self, SubmitCommand.self, StatusCommand.self,
            RevokeCommand.self, TasksCommand.self, EventsCommand.self, DeadLettersCommand.self, QueuesCommand.self,
            HistoryCommand.self, KeysCommand.self,
        ]
    )
}
