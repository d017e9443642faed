import ArgumentParser
import Foundation
import Warren

struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Show the periodic schedules that `warren beat` fires; add, pause, resume, remove and run them.",
        subcommands: [List.self, Add.self, Pause.self, Resume.self, Remove.self, RunNow.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each schedule: its trigger, task, next slot, last run and whether it is paused.",
            discussion: """
                  warren schedules
                  warren schedules --json
                """)

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print them as GET /v1/schedules answers.")
        var json = false

        func run() async throws {
            let states = try await connection.withClient { client in try await client.schedules() }
            if json {
                print(JSONValue.object(["schedules": .array(states.map(\.document))]).jsonText)
                return
            }
            printTable(
                ["NAME", "WHEN", "TASK", "STATE", "NEXT (UTC)", "LAST RUN", "LAST TASK", "FROM"],
                states.map { state in
                    [
                        state.schedule.name, Self.when(state.schedule.trigger), state.schedule.task,
                        state.schedule.paused ? "paused" : "active",
                        state.nextSlots(1).first.map(ISO8601Timestamp.format) ?? "-",
                        state.lastFiring.map { ISO8601Timestamp.format($0.slot) } ?? "-",
                        state.lastFiring.map(Self.lastTask) ?? "-",
                        state.declaredInCode ? "code" : "run time",
                    ]
                })
        }

        /// The task a firing made and its state, why it made none, or that the beat ran it.
        static func lastTask(_ last: ScheduleState.LastFiring) -> String {
            if let id = last.taskID { return "\(id.uuidString.lowercased()) \(last.taskState?.rawValue ?? "")" }
            if let error = last.error { return "error: \(error)" }
            return "ran in the beat"
        }

        static func when(_ trigger: ScheduleTrigger) -> String {
            switch trigger {
            case .cron(let expression, let zone): "cron \(expression) \(zone.identifier)"
            case .every(let seconds): "every \(seconds)s"
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a schedule at run time.",
            discussion: """
                  warren schedules add nightly-report --cron "0 0 * * *" --zone Europe/Madrid --task report
                  warren schedules add heartbeat --every 30s --task ping --args '{"target": "db"}' --queue ops
                  warren schedules add sweep --every 5m --task sweep --catch-up all --catch-up-limit 10 --expires 240
                The task is checked as a submission is: some worker must advertise it, and the arguments
                must satisfy its schema.
                """)

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The schedule's name: 1 to 200 letters, digits, '.', '_', ':' or '-'.")
        var name: String

        @Option(help: "A cron expression: 5 fields, or 6 with seconds first, or @hourly, @daily …")
        var cron: String?

        @Option(help: "The IANA time zone the cron expression is read in.")
        var zone = "UTC"

        @Option(help: "A fixed interval instead of --cron: 30s, 5m, 2h, 1d.")
        var every: String?

        @Option(help: "The task each firing submits.")
        var task: String

        @Option(help: "Its arguments, a JSON object.")
        var args = "{}"

        @Option(help: "The queue, when not the task type's default.")
        var queue: String?

        @Option(help: "0–9, when not the task type's default.")
        var priority: Int?

        @Option(help: "Seconds after its slot after which a fired task that has not started is revoked.")
        var expires: Double?

        @Option(help: "What to fire of the slots missed while no beat ran: once, skip or all.")
        var catchUp = "once"

        @Option(help: "With --catch-up all: the most missed slots fired (1–1000).")
        var catchUpLimit: Int?

        @Flag(help: "Add it paused.")
        var paused = false

        @Flag(help: "Print the schedule as JSON.")
        var json = false

        func run() async throws {
            let trigger: ScheduleTrigger
            switch (cron, every) {
            case (let cron?, nil): trigger = .cron(try CronExpression(cron), zone: try Schedule.zone(zone))
            case (nil, let every?): trigger = try .interval(every)
            default: throw ValidationError("give one of --cron and --every")
            }
            let schedule = try Schedule(
                name: name, trigger: trigger, task: task, args: try JSONValue(parsing: Array(args.utf8)),
                queue: queue, priority: priority, expires: expires.map { .milliseconds(Int64($0 * 1000)) },
                catchUp: try CatchUp(name: catchUp, limit: catchUpLimit), paused: paused)
            let state = try await connection.withClient { client in try await client.addSchedule(schedule) }
            if json {
                print(state.document.jsonText)
            } else {
                print("added \(name); next: \(state.nextSlots(1).first.map(ISO8601Timestamp.format) ?? "-")")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Pause a schedule: no slot fires until it is resumed, and the slots in between are not caught up.",
            discussion: "  warren schedules pause nightly-report")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The schedule's name.")
        var name: String

        func run() async throws {
            try await setPaused(true, name: name, connection: connection)
            print("paused \(name)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused schedule: it fires its next slot from now.",
            discussion: "  warren schedules resume nightly-report")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The schedule's name.")
        var name: String

        func run() async throws {
            try await setPaused(false, name: name, connection: connection)
            print("resumed \(name)")
        }
    }

    static func setPaused(_ paused: Bool, name: String, connection: ConnectionOptions) async throws {
        let changed = try await connection.withClient { client -> Bool in
            guard var schedule = try await client.schedule(named: name)?.schedule else { return false }
            schedule.paused = paused
            return try await client.replaceSchedule(schedule) != nil
        }
        guard changed else { throw WarrenError(.notFound, "no schedule is named \(name.debugDescription)") }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a schedule. The tasks it fired are kept.",
            discussion: """
                  warren schedules remove nightly-report
                A schedule declared in code comes back when its application's beat next starts.
                """)

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The schedule's name.")
        var name: String

        func run() async throws {
            let removed = try await connection.withClient { client in try await client.removeSchedule(named: name) }
            guard removed else { throw WarrenError(.notFound, "no schedule is named \(name.debugDescription)") }
            print("removed \(name)")
        }
    }

    struct RunNow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-now",
            abstract: "Submit a schedule's task now, outside its slots.",
            discussion: "  warren schedules run-now nightly-report --json")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The schedule's name.")
        var name: String

        @Flag(help: "Print the submission's receipt as JSON.")
        var json = false

        func run() async throws {
            let receipt = try await connection.withClient { client in try await client.runScheduleNow(named: name) }
            guard let receipt else { throw WarrenError(.notFound, "no schedule is named \(name.debugDescription)") }
            print(json ? receipt.document.jsonText : "submitted \(receipt.id.uuidString.lowercased())")
        }
    }
}
