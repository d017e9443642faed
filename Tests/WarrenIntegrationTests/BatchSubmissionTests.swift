import Foundation
import Hummingbird
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// `POST /v1/tasks/batch` and ``WarrenClient/submit(batch:)``, against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct BatchSubmissionTests {
    /// A batch body of `count` echo tasks to `queue`.
    func echoes(_ count: Int, to queue: String) -> String {
        let items = (0..<count).map { #"{"task":"test.echo","args":{"value":\#($0)},"queue":"\#(queue)"}"# }
        return #"{"tasks":[\#(items.joined(separator: ","))]}"#
    }

    @Test func anInvalidTaskFailsOnlyItself() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("batch")
        try await withWorker(queues: [queue], configuration: configuration) {
            try await withAPI(configuration) { api in
                let answer = try await api.postJSON(
                    "/v1/tasks/batch",
                    """
                    {"tasks":[
                      {"task":"test.echo","args":{"value":1},"queue":"\(queue)"},
                      {"task":"no.such.task","args":{}},
                      {"task":"test.echo","args":{"value":2},"queue":"\(queue)","priority":42},
                      {"task":"test.echo","args":{"value":3},"queue":"\(queue)","idempotency_key":"batch-\(queue)"},
                      {"task":"test.echo","args":{"value":4},"queue":"nobody-reads-\(queue)"},
                      "not a task",
                      {"task":"test.echo","args":{"value":3},"queue":"\(queue)","idempotency_key":"batch-\(queue)"}
                    ]}
                    """)
                #expect(answer.status == .ok)
                let results = try #require(answer.json["results"]?.arrayValue)
                // The two with one key and one request are one task: whichever the INSERT met first
                // made it (202), and the other answers with it (200).
                #expect(
                    results.map { $0["status"] } == [
                        202, 422, 422, results[3]["status"], 422, 422, results[6]["status"],
                    ])
                #expect(Set([results[3]["status"], results[6]["status"]]) == [200, 202])
                #expect(results.map { $0["index"] } == [0, 1, 2, 3, 4, 5, 6])
                #expect(answer.json["accepted"] == 3)
                #expect(answer.json["refused"] == 4)
                #expect(results[1]["type"] == "urn:warren:problem:unknown-task")
                #expect(results[2]["type"] == "urn:warren:problem:invalid-arguments")
                #expect(results[4]["type"] == "urn:warren:problem:unknown-queue")
                #expect(results[5]["detail"]?.stringValue?.contains("JSON object") == true)
                #expect(results[6]["id"] == results[3]["id"] && results[3]["id"] != nil)
                for index in [0, 3] {
                    let id = try #require(results[index]["id"]?.stringValue)
                    #expect(try await api.waitForTerminal(id)["state"] == "SUCCESS")
                }
            }
        }
    }

    @Test func aThousandTasksGoInOneBatchAndOneMoreIsRefused() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("batch-big")
            try await servers.client(configuration).declare(queue: queue)
            try await withAPI(configuration) { api in
                let refused = try await api.postJSON("/v1/tasks/batch", echoes(1001, to: queue))
                #expect(refused.status == .unprocessableContent)
                #expect(refused.json["type"] == "urn:warren:problem:batch-too-large")
                #expect(try await api.get("/v1/tasks?queue=\(queue)").json["tasks"] == [])

                let answer = try await api.postJSON("/v1/tasks/batch", echoes(1000, to: queue))
                #expect(answer.status == .ok)
                #expect(answer.json["accepted"] == 1000)
                let results = try #require(answer.json["results"]?.arrayValue)
                #expect(results.allSatisfy { $0["status"] == 202 && $0["state"] == "QUEUED" })
                let listed = try await api.get("/v1/tasks?queue=\(queue)&limit=500")
                #expect(listed.json["tasks"]?.arrayValue?.count == 500)
                let pool = await servers.pool(uri: configuration.databaseURL)
                let rows = try await pool.query(
                    "SELECT count(*) AS n, count(DISTINCT xmin::text) AS transactions FROM warren.tasks WHERE queue = \(queue)"
                )
                #expect(try rows.first?.decode("n", as: Int.self) == 1000)
                #expect(try rows.first?.decode("transactions", as: Int.self) == 1)
                let broker = try await servers.broker()
                #expect(try await broker.declareQueue(queue, passive: true).messageCount == 1000)

                for body in [#"[]"#, #"{"tasks":[]}"#, #"{"tasks":{}}"#, #"{"task":"test.echo"}"#] {
                    #expect(try await api.postJSON("/v1/tasks/batch", body).status == .unprocessableContent, "\(body)")
                }
            }
        }
    }
}
