import Foundation
import Tracing
import WarrenAMQP

/// Warren's spans, and the trace context a task's message carries from its producer to the worker
/// that runs it (`docs/protocol.md`). They go to the tracer the process bootstrapped, if any
/// (`WarrenTracing` does for `warren api` and `warren worker`); the context travels in whatever
/// headers its instrument writes: `traceparent` and `tracestate` for W3C Trace Context.
///
/// A producer has `warren.submit`, around the whole submission, and within it `warren.publish`
/// (kind producer), around the insert and the broker's confirm: the context its message carries is
/// the publish span's. A worker has `warren.task` (kind consumer) for each delivery, a child of
/// that context, around the start, the task's own code and the outcome; within it `warren.start`
/// (deciding and recording the start) and `warren.finish` (recording the outcome, publishing the
/// retry or dead letter, and the ack).
///
/// Without a tracer that records (none bootstrapped, or only `WarrenTracing`'s relay), Warren opens
/// no span: it only passes a trace context on, at the cost of reading a header.
enum TaskSpans {
    static let submit = "warren.submit"
    static let publish = "warren.publish"
    static let task = "warren.task"
    static let start = "warren.start"
    static let finish = "warren.finish"

    /// Attribute names: the task's, as the JSON logs have them, and OpenTelemetry's for messaging.
    enum Attribute {
        static let taskID = "warren.task.id"
        static let taskName = "warren.task.name"
        static let attempt = "warren.task.attempt"
        static let outcome = "warren.task.outcome"
        static let batchSize = "warren.batch.size"
        static let system = "messaging.system"
        static let destination = "messaging.destination.name"
        static let messageID = "messaging.message.id"
    }

    /// Whether the bootstrapped tracer records spans, as it was when first asked: bootstrap it
    /// before the first task is submitted or run. Asking the system each time, twice a task,
    /// cost a submission over the API a few percent of its time.
    static let recording = !(InstrumentationSystem.tracer is NoOpTracer)

    /// Runs `body` within a span named `name` when spans are recorded, and as it is otherwise.
    static func within<T>(
        _ name: String, ofKind kind: SpanKind = .internal, isolation: isolated (any Actor)? = #isolation,
        _ body: ((any Span)?) async throws -> T
    ) async rethrows -> T {
        guard recording else { return try await body(nil) }
        return try await withSpan(name, ofKind: kind) { try await body($0) }
    }

    /// Sets a task's attributes on `span`.
    static func describe(_ span: (any Span)?, id: UUID, task: String, queue: String) {
        guard let span else { return }
        span.attributes[Attribute.taskID] = id.uuidString.lowercased()
        span.attributes[Attribute.taskName] = task
        span.attributes[Attribute.system] = "rabbitmq"
        span.attributes[Attribute.destination] = queue
    }

    /// The headers that carry the context of `span`, or the current one, in a task's message.
    static func headers(carrying span: (any Span)?) -> [String: String] {
        guard let context = span?.context ?? InstrumentationContext.current else { return [:] }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeadersInjector())
        return headers
    }

    /// The context a delivery's message carries: the parent of the worker's span for it.
    static func context(of delivery: AMQPDelivery) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(delivery.properties.headers, into: &context, using: HeadersExtractor())
        return context
    }

    private struct HeadersInjector: Injector {
        func inject(_ value: String, forKey key: String, into headers: inout [String: String]) {
            headers[key] = value
        }
    }

    /// Reads a header as text, whether the producer sent it as a string or as bytes.
    private struct HeadersExtractor: Extractor {
        func extract(key: String, from headers: AMQPTable) -> String? {
            switch headers[key] {
            case .string(let text)?: text
            case .bytes(let bytes)?: String(decoding: bytes, as: UTF8.self)
            default: nil
            }
        }
    }
}
