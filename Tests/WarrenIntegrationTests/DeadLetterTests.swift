import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenTesting

/// Dead letters over REST and the CLI (`GET /v1/dead-letters`, `warren dlq`), against the real
/// broker and database.
@Suite(.timeLimit(.minutes(2))) struct DeadLetterTests {
    @Test func deadLettersAreListedFilteredAndShownWithTheirQueuesDepth() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("dlq")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let broker = try await servers.broker()
            let (failed, exhausted) = try await withWorker(queues: [queue], configuration: configuration) {
                var failed: [UUID] = []
                for n in 0..<3 {
                    let receipt = try await client.submit(
                        Submission(task: "test.fail", args: ["message": .string("no \(n)")], queue: queue))
                    failed.append(receipt.id)
                }
                let exhausted = try await client.submit(
                    Submission(
                        task: "test.flaky", args: ["failures": 1, "retryable": true], queue: queue, maxRetries: 0)
                ).id
                // A body that is no task: a dead letter with no task.
                try await broker.publish([
                    AMQPOutgoingMessage(
                        exchange: Topology.taskExchange, routingKey: queue,
                        properties: AMQPProperties(persistent: true), body: Array("not json".utf8))
                ])
                for id in failed + [exhausted] { _ = try await client.waitForCompletion(of: id, timeout: .seconds(15)) }
                try await eventually("five dead letters wait in \(queue).dead") {
                    try await broker.declareQueue("\(queue).dead", passive: true).messageCount == 5
                }
                return (failed, exhausted)
            }
            try await withAPI(configuration) { api in
                let all = try await api.get("/v1/dead-letters?queue=\(queue)")
                #expect(all.status == .ok)
                let letters = try #require(all.json["dead_letters"]?.arrayValue)
                #expect(letters.count == 5)
                #expect(
                    all.json["queues"] == [
                        ["queue": .string(queue), "dead_letter_queue": .string("\(queue).dead"), "messages": 5]
                    ])
                let times = letters.compactMap { $0["at"]?.stringValue }
                #expect(times == times.sorted(by: >))
                let byTask = Dictionary(grouping: letters) { $0["task_id"]?.stringValue ?? "none" }
                for id in failed {
                    let letter = try #require(byTask[id.uuidString.lowercased()]?.first)
                    #expect(letter["reason"] == "not_retryable")
                    #expect(letter["task"] == "test.fail" && letter["state"] == "FAILURE" && letter["attempts"] == 1)
                    #expect(letter["args"]?["message"]?.stringValue?.hasPrefix("no ") == true)
                    #expect(letter["error"]?["message"] == letter["args"]?["message"])
                }
                #expect(byTask[exhausted.uuidString.lowercased()]?.first?["reason"] == "retries_exhausted")
                let garbage = try #require(byTask["none"]?.first)
                #expect(garbage["reason"] == "invalid_message" && garbage["task"] == .null && garbage["args"] == .null)

                func ids(_ query: String) async throws -> [JSONValue] {
                    let page = try await api.get("/v1/dead-letters?queue=\(queue)&\(query)")
                    #expect(page.status == .ok, "\(query)")
                    return (page.json["dead_letters"]?.arrayValue ?? []).compactMap { $0["id"] }
                }
                #expect(try await ids("reason=not_retryable").count == 3)
                #expect(try await ids("task=test.flaky").count == 1)
                #expect(try await ids("since=1h").count == 5)
                #expect(try await ids("since=\(ISO8601Timestamp.format(Date().addingTimeInterval(5)))").isEmpty)
                var paged: [JSONValue] = []
                var cursor: String? = nil
                repeat {
                    let page = try await api.get(
                        "/v1/dead-letters?queue=\(queue)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    paged += (page.json["dead_letters"]?.arrayValue ?? []).compactMap { $0["id"] }
                    cursor = page.json["next_cursor"]?.stringValue
                } while cursor != nil
                #expect(paged == letters.compactMap { $0["id"] })

                let firstID = try #require(byTask[failed[0].uuidString.lowercased()]?.first?["id"])
                let shown = try await api.get("/v1/dead-letters/\(firstID.jsonText)")
                #expect(shown.status == .ok)
                #expect(shown.json["message"]?["id"] == .string(failed[0].uuidString.lowercased()))
                #expect(shown.json["message"]?["task"] == "test.fail")
                let garbageShown = try await api.get("/v1/dead-letters/\(garbage["id"]?.jsonText ?? "0")")
                #expect(garbageShown.json["message"] == .null)
                #expect(garbageShown.json["body_base64"] == .string(Data("not json".utf8).base64EncodedString()))

                #expect(try await api.get("/v1/dead-letters/999999999").status == .notFound)
                #expect(try await api.get("/v1/dead-letters/abc").status == .badRequest)
                let refused = try await api.get("/v1/dead-letters?reason=bored")
                #expect(refused.status == .badRequest)
                #expect(refused.json["detail"]?.stringValue?.hasPrefix("reason: ") == true)
            }

            let warren = builtExecutable("warren")
            let listed = try await runProgram(warren, ["dlq", "list", "--queue", queue, "--json"])
            #expect(listed.status == 0)
            #expect(try JSONValue(parsing: Array(listed.output.utf8))["dead_letters"]?.arrayValue?.count == 5)
            let table = try await runProgram(warren, ["dlq", "list", "--queue", queue])
            #expect(table.output.contains("\(queue).dead: 5 messages"))
            #expect(try await runProgram(warren, ["dlq", "show", "999999999"]).status != 0)
        }
    }
}
