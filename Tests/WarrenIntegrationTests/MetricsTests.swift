import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Warren
import WarrenCore
import WarrenTesting

/// The metrics as an operator reads them: a real Prometheus (Debian's, which scripts/test
/// installs) scrapes `warren api` and a worker's `/metrics`, and PromQL sees tasks run.
@Suite(.timeLimit(.minutes(3))) struct MetricsTests {
    static let promtool = "/usr/bin/promtool"
    static let prometheus = "/usr/bin/prometheus"
    /// Prometheus (Go's HTTP server) answers 400 to a request without one; the test client sends none.
    static let host: HTTPFields = [HTTPField.Name("Host")!: "127.0.0.1"]

    @Test func theAlertRulesPassPromtoolsCheckAndTheirUnitTests() async throws {
        let directory = TestEnvironment.repositoryFile("compose/prometheus")
        let check = try await runProgram(
            Self.promtool, ["check", "rules", directory + "/alerts.yml"], includingErrors: true)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("SUCCESS: 5 rules found"))
        let tested = try await runProgram(
            Self.promtool, ["test", "rules", directory + "/alerts.test.yml"], includingErrors: true)
        #expect(tested.status == 0, "\(tested.output)")
    }

    @Test func prometheusSeesTheAPIAndAWorkerCountTasksAsTheyRun() async throws {
        _ = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("metrics")
        try await withProgram(builtExecutable("warren"), ["api", "--port", "0"]) { api in
            let apiPort = try await printedPort(after: "Warren API listening on http://127.0.0.1:", in: api)
            try await withProgram(
                builtExecutable("WarrenTestWorker"), [queue, "4"], environment: ["WARREN_METRICS_PORT": "0"]
            ) { worker in
                let workerPort = try await printedPort(
                    after: "Warren metrics listening on http://127.0.0.1:", in: worker)
                try await waitForConsumer(on: queue)
                let webPort = try TCPProxy.closedPort()
                let directory = NSTemporaryDirectory() + "warren-prometheus-\(UUID().uuidString)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: directory) }
                try """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: warren-api
                    static_configs: [{targets: ["127.0.0.1:\(apiPort)"]}]
                  - job_name: warren-workers
                    static_configs: [{targets: ["127.0.0.1:\(workerPort)"]}]
                """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
                try await withProgram(
                    Self.prometheus,
                    [
                        "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                        "--web.listen-address=127.0.0.1:\(webPort)",
                    ]
                ) { _ in
                    try await eventually(timeout: .seconds(30), "Prometheus is ready") {
                        let ready = try? await TestClient.withClient(host: "127.0.0.1", port: webPort) {
                            try await $0.get("/-/ready", headers: Self.host).status
                        }
                        return ready == .ok
                    }
                    try await TestClient.withClient(host: "127.0.0.1", port: webPort) { prometheus in
                        func query(_ promql: String) async throws -> Double? {
                            try await Self.query(promql, on: prometheus)
                        }
                        try await eventually(timeout: .seconds(30), "Prometheus scrapes the API and the worker") {
                            try await query(#"sum(up{job=~"warren-.*"})"#) == 2
                        }
                        #expect(try await query(#"sum(warren_tasks_completed_total{queue="\#(queue)"})"#) == nil)

                        try await TestClient.withClient(host: "127.0.0.1", port: apiPort) { client in
                            for index in 0..<5 {
                                let response = try await client.post(
                                    "/v1/tasks",
                                    body: ByteBuffer(
                                        string:
                                            #"{"task": "test.echo", "args": {"value": \#(index)}, "queue": "\#(queue)"}"#
                                    ))
                                #expect(response.status == .accepted)
                            }
                            for _ in 0..<2 {
                                let response = try await client.post(
                                    "/v1/tasks",
                                    body: ByteBuffer(
                                        string:
                                            #"{"task": "test.fail", "args": {"message": "no"}, "queue": "\#(queue)"}"#
                                    ))
                                #expect(response.status == .accepted)
                            }
                        }
                        let mine = #"queue="\#(queue)""#
                        try await eventually(timeout: .seconds(30), "Prometheus sees the 7 tasks finish") {
                            let succeeded = try await query(
                                #"sum(warren_tasks_completed_total{\#(mine),outcome="success"})"#)
                            let failed = try await query(
                                #"sum(warren_tasks_completed_total{\#(mine),outcome="failure"})"#)
                            let dead = try await query(#"warren_queue_dead_letters{\#(mine)}"#)
                            return succeeded == 5 && failed == 2 && dead == 2
                        }
                        #expect(try await query(#"sum(warren_tasks_submitted_total{\#(mine),job="warren-api"})"#) == 7)
                        #expect(try await query(#"sum(warren_tasks_started_total{\#(mine),task="test.echo"})"#) == 5)
                        #expect(try await query(#"sum(warren_task_run_seconds_count{\#(mine)})"#) == 7)
                        #expect(try await query(#"sum(warren_task_queue_wait_seconds_count{\#(mine)})"#) == 7)
                        #expect(
                            try await query(
                                #"sum(warren_tasks_dead_lettered_total{\#(mine),task="test.fail",reason="not_retryable"})"#
                            ) == 2)
                        #expect(try await query(#"warren_queue_ready_tasks{\#(mine)}"#) == 0)
                        #expect(try await query(#"warren_worker_in_flight_tasks{job="warren-workers"}"#) == 0)
                        for job in ["warren-api", "warren-workers"] {
                            for server in ["rabbitmq", "postgresql"] {
                                #expect(
                                    try await query(#"warren_connection_up{job="\#(job)",server="\#(server)"}"#) == 1,
                                    "\(job) \(server)")
                            }
                        }
                        // Labels are names, never task ids.
                        let series = try await prometheus.get(
                            "/api/v1/series?match[]=%7B__name__%3D~%22warren_.*%22%7D", headers: Self.host)
                        let text = String(buffer: series.body ?? ByteBuffer())
                        #expect(text.contains("test.echo"))
                        #expect(!text.contains("\"task_id\"") && !text.contains("\"id\""))
                    }
                }
            }
        }
    }

    @Test func aMetricsKeyProtectsTheAPIsMetrics() async throws {
        var configuration = try await Servers.configuration()
        configuration.metricsKey = "scrape-\(UUID().uuidString)"
        let key = try #require(configuration.metricsKey)
        try await withAPI(configuration) { api in
            #expect(try await api.getText("/metrics").status == .unauthorized)
            let wrong = try await api.get("/metrics", headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            let scraped = try await api.get("/metrics", headers: [.authorization: "Bearer \(key)"])
            #expect(scraped.status == .ok)
            #expect(scraped.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }

    /// A PromQL query's single value, or nil when it has none.
    static func query(_ promql: String, on prometheus: TestClient) async throws -> Double? {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        let response = try await prometheus.get("/api/v1/query?query=\(encoded)", headers: host)
        let document = try JSONValue(parsing: (response.body ?? ByteBuffer()).readableBytesView)
        guard document["status"] == "success" else {
            throw WarrenError(.internal, "Prometheus refused \(promql): \(document.jsonText)")
        }
        guard let first = document["data"]?["result"]?.arrayValue?.first,
            let value = first["value"]?.arrayValue?.last?.stringValue
        else { return nil }
        return Double(value)
    }
}
