import Foundation
import Testing
import Warren
import WarrenCore
import WarrenTesting

/// `WARREN_LOG_FORMAT=json`, as a log collector reads a real worker's output.
@Suite(.timeLimit(.minutes(2))) struct LoggingTests {
    @Test func jsonLogsAreOneObjectPerLineAndCarryTheTaskButNotItsArguments() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(configuration)
            let queue = TestEnvironment.uniqueQueue("logs")
            let secret = "secret-argument-\(UUID().uuidString)"
            try await withProgram(
                builtExecutable("WarrenTestWorker"), [queue, "2"],
                environment: ["WARREN_LOG_FORMAT": "json", "WARREN_LOG_LEVEL": "debug"]
            ) { output in
                try await waitForConsumer(on: queue)
                let echoed = try await client.enqueue(TestTasks.Echo.self, .init(value: .string(secret)), queue: queue)
                #expect(try await echoed.result(timeout: .seconds(30)) == .string(secret))
                let failing = try await client.enqueue(TestTasks.Fail.self, .init(message: "no"), queue: queue)
                await #expect(throws: (any Error).self) { try await failing.result(timeout: .seconds(30)) }
                let failed = failing.id.uuidString
                try await eventually("the worker logs the failure") { output().contains(failed) }

                let lines = output().split(separator: "\n").filter { !$0.hasPrefix("Warren metrics") }
                #expect(!lines.isEmpty)
                var aboutTheFailure: [JSONValue] = []
                for line in lines {
                    let object = try JSONValue(parsing: Array(line.utf8))
                    #expect(object["time"]?.stringValue != nil && object["level"] != nil && object["message"] != nil)
                    guard object["task.id"] != nil else { continue }
                    #expect(object["task.name"] != nil && object["queue"] == .string(queue), "\(line)")
                    if object["task.id"] == .string(failed) { aboutTheFailure.append(object) }
                }
                let failure = try #require(aboutTheFailure.first { $0["message"] == "task failed; dead-lettering it" })
                #expect(failure["task.name"] == "test.fail")
                #expect(failure["task.attempt"] == "1")
                #expect(failure["reason"] == "not_retryable")
                let text = output()
                #expect(!text.contains(secret))
                #expect(!text.contains(":guest@"))
            }
        }
    }
}
