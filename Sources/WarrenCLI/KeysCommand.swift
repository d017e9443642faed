import ArgumentParser
import Foundation
import Warren

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke the REST API's keys.",
        discussion: """
            Roles: read (tasks, history, queues, dead letters), submit (read, and submit tasks and revoke \
            its own), admin (everything: replay, purge, pause, keys). Only a key's SHA-256 is stored.
            """,
        subcommands: [Create.self, List.self, Revoke.self],
        defaultSubcommand: List.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it, once: it cannot be shown again.",
            discussion: """
                  warren keys create --role submit --name billing-service
                  warren keys create --role admin --json
                """)

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "read, submit or admin.")
        var role: APIRole

        @Option(help: "What the key is for, shown by 'warren keys list'.")
        var name = "unnamed"

        @Flag(help: "Print the key and its record as JSON.")
        var json = false

        func run() async throws {
            let configuration = try connection.configuration()
            WarrenLogging.bootstrap(configuration)
            let (key, record) = try await APIKeys.withKeys(databaseURL: configuration.databaseURL) { keys in
                try await keys.create(name: name, role: role)
            }
            if json {
                print(record.document(revealing: key).jsonText)
            } else {
                print(key)
                FileHandle.standardError.write(
                    Data("key \(record.id) (\(record.role.rawValue), \(record.name)); it is not shown again\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the keys, revoked ones too; never the keys themselves.",
            discussion: """
                  warren keys list
                  warren keys list --json
                """)

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print them as GET /v1/keys answers.")
        var json = false

        func run() async throws {
            let configuration = try connection.configuration()
            WarrenLogging.bootstrap(configuration)
            let keys = try await APIKeys.withKeys(databaseURL: configuration.databaseURL) { try await $0.list() }
            if json {
                print(JSONValue.object(["keys": .array(keys.map(\.document))]).jsonText)
                return
            }
            printTable(
                ["ID", "NAME", "ROLE", "PREFIX", "CREATED", "REVOKED"],
                keys.map {
                    [
                        String($0.id), $0.name, $0.role.rawValue, $0.prefix + "…",
                        ISO8601Timestamp.format($0.createdAt),
                        $0.revokedAt.map(ISO8601Timestamp.format) ?? "-",
                    ]
                })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: the API refuses it within a second.",
            discussion: """
                  warren keys revoke 3
                """)

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The key's id, from 'warren keys list'.")
        var id: Int

        @Flag(help: "Print the revoked key's record as JSON.")
        var json = false

        func run() async throws {
            let configuration = try connection.configuration()
            WarrenLogging.bootstrap(configuration)
            guard
                let record = try await APIKeys.withKeys(
                    databaseURL: configuration.databaseURL, { try await $0.revoke(id) })
            else { throw WarrenError(.notFound, "no API key has the id \(id)") }
            if json {
                print(record.document.jsonText)
            } else {
                print("revoked key \(record.id) (\(record.role.rawValue), \(record.name))")
            }
        }
    }
}
