import Foundation
import Hummingbird
import Testing
import Warren
import WarrenTesting

/// The task history over REST and the CLI (`GET /v1/tasks`, `GET /v1/tasks/{id}/events`,
/// `warren tasks`, `warren events`), against the real broker and database.
@Suite(.timeLimit(.minutes(2))) struct HistoryTests {
    /// Submits `count` echo tasks to `queue` at once, so that they share one INSERT and one
    /// `created_at`; returns their ids.
    func submitEchoes(_ count: Int, to queue: String, _ client: WarrenClient) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for n in 0..<count {
                group.addTask {
                    try await client.submit(Submission(task: "test.echo", args: ["value": JSONValue(n)], queue: queue))
                        .id.uuidString.lowercased()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// The tasks on every page of `path` (which has no cursor yet), following `next_cursor`, with
    /// `between` run after each page.
    func allPages(
        _ path: String, _ api: APITestClient, between: () async throws -> Void = {}
    ) async throws -> [JSONValue] {
        var tasks: [JSONValue] = []
        var next: String? = nil
        repeat {
            let page = try await api.get(path + (next.map { "&cursor=\($0)" } ?? ""))
            #expect(page.status == .ok)
            tasks += page.json["tasks"]?.arrayValue ?? []
            next = page.json["next_cursor"]?.stringValue
            try await between()
        } while next != nil
        return tasks
    }

    @Test func pagesStayStableWhileTasksAreSubmittedAndHoldAtMostFiveHundred() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(configuration)
            let queue = TestEnvironment.uniqueQueue("history")
            try await client.declare(queue: queue)
            let first = try await submitEchoes(505, to: queue, client)
            try await withAPI(configuration) { api in
                let everything = try await api.get("/v1/tasks?queue=\(queue)&limit=100000")
                let listed = try #require(everything.json["tasks"]?.arrayValue)
                #expect(listed.count == 500)
                #expect(everything.json["next_cursor"]?.stringValue != nil)
                let times = listed.compactMap { $0["created_at"]?.stringValue }
                #expect(times == times.sorted(by: >))

                var submittedMeanwhile: [String] = []
                let paged = try await allPages("/v1/tasks?queue=\(queue)&limit=40", api) {
                    submittedMeanwhile += try await submitEchoes(7, to: queue, client)
                }.compactMap { $0["id"]?.stringValue }
                #expect(paged.count == 505)
                #expect(Set(paged) == Set(first))
                #expect(Set(paged).isDisjoint(with: submittedMeanwhile))

                let newest = try await api.get("/v1/tasks?queue=\(queue)&limit=\(submittedMeanwhile.count)")
                let newestIDs = (newest.json["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                #expect(Set(newestIDs) == Set(submittedMeanwhile))
            }
        }
    }

    @Test func everyFilterWorksAloneAndCombined() async throws {
        let configuration = try await Servers.configuration()
        let worked = TestEnvironment.uniqueQueue("history-a")
        let waiting = TestEnvironment.uniqueQueue("history-b")
        let start = Date()
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await client.declare(queue: waiting)
            let (succeeded, failed) = try await withWorker(queues: [worked], configuration: configuration) {
                let succeeded = try await submitEchoes(2, to: worked, client)
                let failing = try await client.submit(
                    Submission(task: "test.fail", args: ["message": "no"], queue: worked))
                let failed = failing.id.uuidString.lowercased()
                for id in succeeded + [failed] {
                    _ = try await client.waitForCompletion(
                        of: try #require(UUID(uuidString: id)), timeout: .seconds(15))
                }
                return (succeeded, failed)
            }
            try await Task.sleep(for: .milliseconds(20))
            let between = Date()
            let queued = try await submitEchoes(2, to: waiting, client)

            try await withAPI(configuration) { api in
                func ids(_ query: String) async throws -> Set<String> {
                    let page = try await api.get("/v1/tasks?limit=500&\(query)")
                    #expect(page.status == .ok, "\(query)")
                    return Set((page.json["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
                }
                let betweenText = ISO8601Timestamp.format(between)
                #expect(try await ids("queue=\(worked)") == Set(succeeded + [failed]))
                #expect(try await ids("queue=\(waiting)") == Set(queued))
                #expect(try await ids("queue=\(worked)&state=FAILURE") == [failed])
                #expect(try await ids("queue=\(worked)&state=success") == Set(succeeded))
                #expect(try await ids("queue=\(worked)&state=SUCCESS,FAILURE") == Set(succeeded + [failed]))
                #expect(try await ids("queue=\(waiting)&state=QUEUED&task=test.echo") == Set(queued))
                #expect(try await ids("queue=\(worked)&task=test.fail") == [failed])
                #expect(try await ids("queue=\(worked)&since=\(betweenText)").isEmpty)
                #expect(try await ids("queue=\(waiting)&since=\(betweenText)") == Set(queued))
                #expect(try await ids("queue=\(waiting)&until=\(betweenText)").isEmpty)
                #expect(try await ids("queue=\(worked)&since=1h&until=\(betweenText)") == Set(succeeded + [failed]))
                #expect(try await ids("queue=\(worked)&until=1h").isEmpty)
                // Each filter alone, over every page: other tests' tasks are there too, and the
                // whole suite submits thousands meanwhile, but none that does not match.
                let startText = ISO8601Timestamp.format(start)
                let failures = try await allPages("/v1/tasks?limit=500&state=FAILURE&since=\(startText)", api)
                #expect(failures.allSatisfy { $0["state"] == "FAILURE" })
                #expect(failures.contains { $0["id"]?.stringValue == failed })
                let named = try await allPages("/v1/tasks?limit=500&task=test.fail&since=\(startText)", api)
                #expect(named.allSatisfy { $0["task"] == "test.fail" })
                #expect(named.contains { $0["id"]?.stringValue == failed })
                let recent = try await allPages("/v1/tasks?limit=500&since=\(betweenText)", api)
                // Times as the API writes them (to the millisecond) compare as text.
                #expect(recent.allSatisfy { ($0["created_at"]?.stringValue ?? "") >= betweenText })
                let recentIDs = Set(recent.compactMap { $0["id"]?.stringValue })
                #expect(recentIDs.isSuperset(of: queued))
                #expect(recentIDs.isDisjoint(with: succeeded + [failed]))

                for (query, parameter) in [
                    ("state=DONE", "state"), ("since=yesterday", "since"), ("until=2026-13-01", "until"),
                    ("limit=0", "limit"), ("cursor=abc", "cursor"), ("queue=x.dead", "queue"),
                    ("status=FAILURE", "status"),
                ] {
                    let refused = try await api.get("/v1/tasks?\(query)")
                    #expect(refused.status == .badRequest, "\(query)")
                    #expect(refused.json["type"] == "urn:warren:problem:invalid-parameter", "\(query)")
                    #expect(refused.json["detail"]?.stringValue?.hasPrefix("\(parameter): ") == true, "\(query)")
                }
            }
        }
    }

    @Test func aRetriedTasksEventsComeBackInOrder() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("history-events")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await withWorker(queues: [queue], configuration: configuration) {
                let handle = try await client.enqueue(
                    TestTasks.Flaky.self, .init(failures: 2), queue: queue)
                #expect(try await handle.result(timeout: .seconds(20)) == 3)
                try await withAPI(configuration) { api in
                    let answer = try await api.get("/v1/tasks/\(handle.id.uuidString.lowercased())/events")
                    #expect(answer.status == .ok)
                    let events = try #require(answer.json["events"]?.arrayValue)
                    #expect(
                        events.map { "\($0["state"]?.stringValue ?? "?")@\($0["attempt"]?.jsonText ?? "?")" } == [
                            "QUEUED@0", "STARTED@1", "RETRY@1", "STARTED@2", "RETRY@2", "STARTED@3", "SUCCESS@3",
                        ])
                    let times = events.compactMap { $0["at"]?.stringValue }
                    #expect(times.count == events.count && times == times.sorted())
                    #expect(events.filter { $0["state"] == "STARTED" }.allSatisfy { $0["worker"]?.stringValue != nil })
                    #expect(events.filter { $0["state"] == "RETRY" }.allSatisfy { $0["detail"]?["message"] != nil })

                    let unknown = try await api.get("/v1/tasks/\(UUID().uuidString)/events")
                    #expect(unknown.status == .notFound)
                    #expect(try await api.get("/v1/tasks/nope/events").status == .badRequest)
                }
            }
        }
    }

    @Test func theCommandLinePrintsJSONThatParses() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("history-cli")
        try await withServers { servers in
            let client = try await servers.client(configuration)
            try await client.declare(queue: queue)
            let ids = try await submitEchoes(3, to: queue, client)
            let warren = builtExecutable("warren")

            let listed = try await runProgram(warren, ["tasks", "--queue", queue, "--limit", "2", "--json"])
            #expect(listed.status == 0)
            let page = try JSONValue(parsing: Array(listed.output.utf8))
            let firstPage = (page["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(firstPage.count == 2)
            let cursor = try #require(page["next_cursor"]?.stringValue)
            let rest = try await runProgram(warren, ["tasks", "--queue", queue, "--cursor", cursor, "--json"])
            let secondPage = try JSONValue(parsing: Array(rest.output.utf8))
            let lastIDs = (secondPage["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(Set(firstPage + lastIDs) == Set(ids) && lastIDs.count == 1)
            #expect(secondPage["next_cursor"] == .null)

            let table = try await runProgram(warren, ["tasks", "--queue", queue, "--state", "QUEUED"])
            #expect(table.status == 0)
            #expect(table.output.split(separator: "\n").count == 4)
            #expect(ids.allSatisfy { table.output.contains($0) })

            let events = try await runProgram(warren, ["events", ids[0], "--json"])
            #expect(events.status == 0)
            #expect(
                try JSONValue(parsing: Array(events.output.utf8))["events"]?.arrayValue?.first?["state"] == "QUEUED")
            #expect(try await runProgram(warren, ["events", UUID().uuidString]).status != 0)
            #expect(try await runProgram(warren, ["tasks", "--since", "soon"]).status != 0)
        }
    }
}
