import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import Warren
import WarrenCore
import WarrenTesting

/// Traces across the queue, as an operator sees them in a collector: `warren api` and a worker
/// process export their spans over OTLP/HTTP (JSON) to a receiver in this test, which reads the
/// trace ids and parents they carry.
@Suite(.timeLimit(.minutes(2))) struct TracingTests {
    /// A `traceparent` sent with `POST /v1/tasks` is the parent of the API's spans, and the API's
    /// publish span is the parent of the worker's span for the task. An API that exports nothing
    /// passes the `traceparent` on unchanged, so the worker's span is then its child.
    @Test(arguments: [true, false])
    func aTraceSubmittedOverRESTReachesTheWorkersSpan(apiExports: Bool) async throws {
        _ = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("traces")
        let (traceID, parentID) = (Self.randomHex(bytes: 16), Self.randomHex(bytes: 8))
        try await withCollector { collector, exporting in
            try await withProgram(
                builtExecutable("warren"), ["api", "--port", "0"], environment: apiExports ? exporting : [:]
            ) {
                api in
                let apiPort = try await printedPort(after: "Warren API listening on http://127.0.0.1:", in: api)
                try await withProgram(builtExecutable("WarrenTestWorker"), [queue, "2"], environment: exporting) { _ in
                    try await waitForConsumer(on: queue)
                    let id = try await TestClient.withClient(host: "127.0.0.1", port: apiPort) { client in
                        let response = try await client.post(
                            "/v1/tasks", headers: [HTTPField.Name("traceparent")!: "00-\(traceID)-\(parentID)-01"],
                            body: ByteBuffer(
                                string: #"{"task": "test.echo", "args": {"value": 1}, "queue": "\#(queue)"}"#))
                        #expect(response.status == .accepted)
                        return try JSONValue(parsing: (response.body ?? ByteBuffer()).readableBytesView)["id"]?
                            .stringValue ?? ""
                    }
                    let spans = try await collector.spans(ofTrace: traceID, including: ["warren.finish"])
                    let task = try #require(spans.first { $0.name == "warren.task" })
                    #expect(task.service == "warren-test-worker")
                    #expect(task.kind == .consumer)
                    #expect(task.attributes["warren.task.id"] == id)
                    #expect(task.attributes["warren.task.name"] == "test.echo")
                    #expect(task.attributes["messaging.destination.name"] == queue)
                    #expect(task.attributes["warren.task.attempt"] == "1")
                    #expect(task.attributes["warren.task.outcome"] == "success")
                    for child in ["warren.start", "warren.finish"] {
                        #expect(spans.first { $0.name == child }?.parentSpanID == task.spanID, "\(child)")
                    }
                    guard apiExports else {
                        #expect(task.parentSpanID == parentID)
                        #expect(!spans.contains { $0.service == "warren-api" })
                        return
                    }
                    // The API's spans come in batches of their own: the request's ends only once its
                    // answer is written, after the task may already have run.
                    let traced = try await collector.spans(
                        ofTrace: traceID, including: ["/v1/tasks", "warren.submit", "warren.publish"])
                    let publish = traced.first { $0.name == "warren.publish" }
                    let request = traced.first { $0.service == "warren-api" && $0.kind == .server }
                    let submit = traced.first { $0.name == "warren.submit" }
                    #expect(request?.parentSpanID == parentID)
                    #expect(request?.name == "/v1/tasks")
                    #expect(submit?.parentSpanID == request?.spanID)
                    #expect(publish?.parentSpanID == submit?.spanID)
                    #expect(publish?.kind == .producer)
                    #expect(publish?.attributes["warren.task.id"] == id)
                    #expect(task.parentSpanID == publish?.spanID)
                }
            }
        }
    }

    /// A foreign producer's message with a `traceparent` header (docs/protocol.md) gives the
    /// worker's span its parent too.
    @Test func aForeignMessagesTraceparentIsTheParentOfTheWorkersSpan() async throws {
        let configuration = try await Servers.configuration()
        let queue = TestEnvironment.uniqueQueue("traces")
        let (traceID, parentID) = (Self.randomHex(bytes: 16), Self.randomHex(bytes: 8))
        let id = UUID().uuidString.lowercased()
        try await withCollector { collector, exporting in
            try await withProgram(builtExecutable("WarrenTestWorker"), [queue, "2"], environment: exporting) { _ in
                try await waitForConsumer(on: queue)
                let body =
                    #"{"v":1,"id":"\#(id)","task":"test.echo","queue":"\#(queue)","args":{"value":2},"created_at":"2026-12-07T10:00:00Z"}"#
                let (status, _) = try await runProgram(
                    "/usr/bin/amqp-publish",
                    [
                        "--url", configuration.amqpURL, "-e", Topology.taskExchange, "-r", queue, "-p", "-C",
                        "application/json", "-H", "traceparent: 00-\(traceID)-\(parentID)-01", "-b", body,
                    ])
                #expect(status == 0)
                let spans = try await collector.spans(ofTrace: traceID, including: ["warren.finish"])
                let task = try #require(spans.first { $0.name == "warren.task" })
                #expect(task.parentSpanID == parentID)
                #expect(task.attributes["warren.task.id"] == id)
                #expect(task.attributes["warren.task.outcome"] == "success")
            }
        }
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 1...255)) }.joined()
    }

    /// Runs an OTLP/HTTP receiver for the duration of `body`, with the environment that makes a
    /// Warren process export its spans to it, in JSON, within a tenth of a second.
    func withCollector(
        _ body: @Sendable (_ collector: SpanCollector, _ exporting: [String: String]) async throws -> Void
    ) async throws {
        let collector = SpanCollector()
        let router = Router()
        router.post("/v1/traces") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            collector.receive(try JSONValue(parsing: body.readableBytesView))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        try await Application(router: router).test(.live) { client in
            try await body(
                collector,
                [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(client.port!)",
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ])
        }
    }
}

/// The spans an OTLP/HTTP exporter sent, as OTLP's JSON encoding has them (ids in base64).
final class SpanCollector: Sendable {
    struct ReceivedSpan: Sendable {
        enum Kind: Int, Sendable { case unspecified, `internal`, server, client, producer, consumer }
        var service: String
        var name: String
        var kind: Kind?
        var traceID: String
        var spanID: String
        var parentSpanID: String?
        /// Attribute values as text, whatever their type.
        var attributes: [String: String]
    }

    private let received = Mutex<[ReceivedSpan]>([])

    func receive(_ document: JSONValue) {
        var spans: [ReceivedSpan] = []
        for resource in document["resourceSpans"]?.arrayValue ?? [] {
            let service = Self.attributes(resource["resource"]?["attributes"])["service.name"] ?? ""
            for scope in resource["scopeSpans"]?.arrayValue ?? [] {
                for span in scope["spans"]?.arrayValue ?? [] {
                    spans.append(
                        ReceivedSpan(
                            service: service, name: span["name"]?.stringValue ?? "",
                            kind: Int(span["kind"]?.jsonText ?? "").flatMap { ReceivedSpan.Kind(rawValue: $0) },
                            traceID: Self.hex(span["traceId"]) ?? "", spanID: Self.hex(span["spanId"]) ?? "",
                            parentSpanID: Self.hex(span["parentSpanId"]),
                            attributes: Self.attributes(span["attributes"])))
                }
            }
        }
        received.withLock { $0.append(contentsOf: spans) }
    }

    /// The spans of one trace, once those named `names` have come.
    func spans(ofTrace traceID: String, including names: Set<String>) async throws -> [ReceivedSpan] {
        var spans: [ReceivedSpan] = []
        try await eventually(timeout: .seconds(30), "the spans \(names.sorted()) of trace \(traceID)") {
            spans = received.withLock { $0.filter { $0.traceID == traceID } }
            return names.isSubset(of: Set(spans.map(\.name)))
        }
        return spans
    }

    private static func hex(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty, let bytes = Data(base64Encoded: text) else { return nil }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func attributes(_ list: JSONValue?) -> [String: String] {
        var attributes: [String: String] = [:]
        for attribute in list?.arrayValue ?? [] {
            guard let key = attribute["key"]?.stringValue, case .object(let value)? = attribute["value"],
                let first = value.values.first
            else { continue }
            attributes[key] = first.stringValue ?? first.jsonText
        }
        return attributes
    }
}
