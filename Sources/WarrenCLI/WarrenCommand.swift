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
              warren schedules add nightly-report --cron "0 0 * * *" --zone Europe/Madrid --task report
              warren beat

            Every command that prints a result takes --json. Shell completion:
              warren --generate-completion-script bash > /etc/bash_completion.d/warren   (or zsh, fish)

            Exit codes: 0 done; 1 failed (an error, a task that failed or does not exist, a revoke
            that came too late); 64 a wrong command line; 70 a worker whose task ignored its hard
            time limit (restart it).
            """,
        version: WarrenVersion.current,
        subcommands: [
            APICommand.self, WorkerCommand.self, MigrateCommand.self, SubmitCommand.self, StatusCommand.self,
            RevokeCommand.self, TasksCommand.self, EventsCommand.self, DeadLettersCommand.self, QueuesCommand.self,
            HistoryCommand.self, KeysCommand.self, BeatCommand.self, SchedulesCommand.self,
        ]
    )
}
