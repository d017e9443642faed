import Foundation
import Testing
import Warren
import WarrenCore
import WarrenTesting

/// `--json` on every command that prints a result: each prints JSON that parses, and says what the
/// REST API would.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    static let warren = builtExecutable("warren")

    /// Runs `warren arguments` and parses each line it printed as JSON.
    static func json(_ arguments: [String], environment: [String: String] = [:], status: Int32 = 0) async throws
        -> [JSONValue]
    {
        let run = try await runProgram(warren, arguments, environment: environment)
        #expect(run.status == status, "warren \(arguments.joined(separator: " ")): \(run.output)")
        return try run.output.split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
    }

    @Test func everyCommandPrintsJSONThatParses() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(configuration)
            let queue = TestEnvironment.uniqueQueue("cli")
            let declared = try await Self.json(["queues", "declare", queue, "--json"])
            #expect(declared == [["queue": .string(queue), "dead_letter_queue": .string("\(queue).dead")]])
            try await withWorker(queues: [queue], configuration: configuration) {
                let submitted = try await Self.json([
                    "submit", "test.echo", "--args", #"{"value": 7}"#, "--queue", queue, "--wait", "--json",
                ])
                #expect(submitted.count == 2)
                #expect(submitted.first?["state"] == "QUEUED")
                #expect(submitted.last?["result"] == 7)
                let id = try #require(submitted.first?["id"]?.stringValue)
                #expect(try await Self.json(["status", id, "--json"]).first?["state"] == "SUCCESS")
                let events = try await Self.json(["events", id, "--json"])
                #expect(events.first?["events"]?.arrayValue?.last?["state"] == "SUCCESS")
                let listed = try await Self.json(["tasks", "--queue", queue, "--json"])
                #expect(listed.first?["tasks"]?.arrayValue?.first?["id"] == .string(id))
            }
            let later = try await client.enqueue(
                TestTasks.Echo.self, .init(value: 1), queue: queue, countdown: .seconds(600))
            let revoked = try await Self.json(["revoke", later.id.uuidString, "--json"])
            #expect(revoked.first?["state"] == "REVOKED")
            #expect(try await Self.json(["queues", "pause", queue, "--json"]).first?["paused"] == true)
            #expect(try await Self.json(["queues", "resume", queue, "--json"]).first?["paused"] == false)
            let queues = try await Self.json(["queues", "--json"])
            #expect(queues.first?["queues"]?.arrayValue?.contains { $0["queue"] == .string(queue) } == true)
            #expect(try await Self.json(["dlq", "list", "--queue", queue, "--json"]).first?["dead_letters"] == [])
            #expect(try await Self.json(["migrate", "--json"]) == [["applied": []]])
            let version = try await runProgram(Self.warren, ["--version"])
            #expect(version.output == WarrenVersion.current + "\n")
        }
    }

    /// On a database of its own: a key in the shared one would close every other test's API.
    @Test func keysPrintJSONThatParses() async throws {
        try await Servers.withDatabase("warren_cli_keys") { configuration in
            let environment = ["WARREN_DATABASE_URL": configuration.databaseURL]
            let created = try await Self.json(
                ["keys", "create", "--role", "read", "--name", "cli", "--json"], environment: environment)
            #expect(created.first?["role"] == "read")
            #expect(created.first?["key"]?.stringValue?.hasPrefix("wk_") == true)
            let id = try #require(created.first?["id"]).jsonText
            let listed = try await Self.json(["keys", "list", "--json"], environment: environment)
            #expect(listed.first?["keys"]?.arrayValue?.map { $0["name"] } == ["cli"])
            let revoked = try await Self.json(["keys", "revoke", id, "--json"], environment: environment)
            #expect(revoked.first?["revoked_at"] != .null)
        }
    }
}
