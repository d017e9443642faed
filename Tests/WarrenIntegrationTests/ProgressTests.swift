import Foundation
import Hummingbird
import Synchronization
import Testing
import Warren
import WarrenPostgres
import WarrenTesting

/// Progress reports (`TaskContext.progress`), their readers (`GET /v1/tasks/{id}`, `?wait=…&progress=true`,
/// `GET /v1/tasks/{id}/stream`), against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct ProgressTests {
    @Test func reportsAreWrittenAtMostEveryQuarterSecondAndTheLastAlwaysLands() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("progress")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            // Every announcement of a change: starts, progress writes, outcomes.
            let listener = try await PostgresConnection.connect(uri: configuration.databaseURL, name: "test-listen")
            defer { Task { await listener.close() } }
            let heard = Mutex<[String]>([])
            try await listener.listen(
                to: "warren_task_changes", onNotification: { payload in heard.withLock { $0.append(payload) } },
                onLost: {})
            let record = try await withWorker(queues: [queue], configuration: configuration) {
                let id = try await client.submit(
                    Submission(task: "test.progress", args: ["steps": 60, "milliseconds": 10], queue: queue)
                ).id
                return try await client.waitForCompletion(of: id, timeout: .seconds(15))
            }
            #expect(record.state == .success)
            let last = try #require(record.progress)
            #expect(last.fraction == 1 && last.message == "60 of 60")
            let ran = try #require(record.finishedAt).timeIntervalSince(try #require(record.startedAt))
            try await Task.sleep(for: .milliseconds(200))
            let announcements = heard.withLock { $0 }.filter { $0.contains(record.id.uuidString.lowercased()) }.count
            // Its start and its outcome are announced once each; the rest are progress writes, one
            // each quarter second at most, though the task reported 60 times.
            let writes = announcements - 2
            #expect(writes >= 1)
            #expect(writes <= Int(ran / 0.25) + 1, "\(writes) writes in \(ran) s")
        }
    }

    /// Submits a task that reports "halfway" (0.5), then waits at `gate` until the test opens it,
    /// then reports "1 of 1" and succeeds.
    func submitHeldAtHalfway(on queue: String, gate: String, _ client: WarrenClient) async throws -> UUID {
        try await client.submit(
            Submission(
                task: "test.progress", args: ["steps": 1, "milliseconds": 0, "gate": .string(gate)], queue: queue)
        ).id
    }

    @Test func aWaitThatAsksForProgressEndsAtAReport() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("progress-wait")
        let gate = "gate-\(UUID().uuidString)"
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await withWorker(queues: [queue], configuration: configuration) {
                // It reports "halfway" and waits at its gate: it cannot end before the gate opens.
                let id = try await submitHeldAtHalfway(on: queue, gate: gate, client)
                let path = "/v1/tasks/\(id.uuidString.lowercased())"
                try await withAPI(configuration) { api in
                    // At the report (or, had the report come before the first read, when the wait runs out).
                    let polled = try await api.get("\(path)?wait=5&progress=true")
                    #expect(polled.status == .ok)
                    #expect(polled.json["state"] == "STARTED")
                    #expect(polled.json["progress"]?["message"] == "halfway")
                    #expect(polled.json["progress"]?["fraction"] == 0.5)
                    #expect(try await api.get("\(path)?progress=maybe").status == .badRequest)
                    try await TestTasks.Gated.open(gate, pool)
                    let waited = try await api.get("\(path)?wait=10")
                    #expect(waited.json["state"] == "SUCCESS")
                    #expect(waited.json["progress"]?["message"] == "1 of 1")
                    #expect(waited.json["progress"]?["fraction"] == 1)
                }
            }
        }
    }

    @Test func theChangesOfATaskComeInOrderUntilItEnds() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("progress-changes")
        let gate = "gate-\(UUID().uuidString)"
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let pool = await servers.pool(uri: configuration.databaseURL)
            try await withWorker(queues: [queue], configuration: configuration) {
                let id = try await submitHeldAtHalfway(on: queue, gate: gate, client)
                var seen: [TaskRecord] = []
                // The task waits at its gate once it said "halfway": that change comes before any other.
                for try await change in try await client.changes(of: id) {
                    guard let change else { continue }
                    seen.append(change)
                    if change.progress?.message == "halfway" { try await TestTasks.Gated.open(gate, pool) }
                }
                #expect(seen.first?.state == .queued || seen.first?.state == .started)
                let halfway = try #require(seen.first { $0.progress?.message == "halfway" })
                #expect(halfway.state == .started && halfway.progress?.fraction == 0.5)
                #expect(seen.last?.state == .success && seen.last?.progress?.message == "1 of 1")
                #expect(seen.map { $0.progress?.fraction ?? 0 } == seen.map { $0.progress?.fraction ?? 0 }.sorted())
            }
        }
    }

    @Test func theStreamSendsStatesAndProgressThenEnds() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("progress-stream")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let id = try await client.submit(
                    Submission(task: "test.progress", args: ["steps": 4, "milliseconds": 400], queue: queue)
                ).id
                try await withAPI(configuration) { api in
                    let streamed = try await api.getText("/v1/tasks/\(id.uuidString.lowercased())/stream")
                    #expect(streamed.status == .ok && streamed.contentType == "text/event-stream")
                    let events = streamed.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: ") }.map {
                        event in
                        let lines = event.split(separator: "\n")
                        let name = String(lines[0].dropFirst("event: ".count))
                        let data = try? JSONValue(parsing: Array(lines[1].dropFirst("data: ".count).utf8))
                        return (name, data ?? .null)
                    }
                    // Which changes it sees depends on when it reads (a busy machine merges some): its
                    // first event is a state, its last the end, and progress never goes back.
                    #expect(events.first?.0 == "state")
                    #expect(events.last?.0 == "state" && events.last?.1["state"] == "SUCCESS")
                    #expect(events.last?.1["progress"]?["message"] == "4 of 4")
                    let fractions = events.map { event -> Double in
                        guard case .number(let fraction)? = event.1["progress"]?["fraction"] else { return 0 }
                        return fraction.doubleValue
                    }
                    #expect(fractions == fractions.sorted(), "\(streamed.text)")
                    #expect(events.allSatisfy { $0.1["id"] == .string(id.uuidString.lowercased()) })
                    let unknown = try await api.get("/v1/tasks/\(UUID().uuidString.lowercased())/stream")
                    #expect(unknown.status == .notFound)
                }
            }
        }
    }

    @Test func generateReportReportsItsProgress() async throws {
        let configuration = try await Servers.configuration()
        try await withServers { servers in
            let client = try await servers.client(configuration)
            let queue = TestEnvironment.uniqueQueue("progress-report")
            var registry = TaskRegistry()
            registry.register(GenerateReport())
            try await withWorker(queues: [queue], registry: registry, configuration: configuration) {
                let id = try await client.submit(Submission(task: "generate_report", args: ["hours": 1], queue: queue))
                    .id
                let record = try await client.waitForCompletion(of: id, timeout: .seconds(15))
                #expect(record.state == .success)
                #expect(record.progress?.fraction == 1)
                #expect(
                    record.progress?.message?.hasSuffix("task types") == true, "\(String(describing: record.progress))")
            }
        }
    }
}
