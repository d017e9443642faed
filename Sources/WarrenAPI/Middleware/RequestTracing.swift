import HTTPTypes
import Hummingbird
import Tracing

/// A span for each request, a child of the trace context its headers carry (Hummingbird's
/// `TracingMiddleware`), when the process records spans. When it does not, a request's
/// `traceparent` is only read, for the tasks it submits to carry on: a span whose attributes no
/// one keeps would cost each request more than the rest of its routing.
struct RequestTracing: RouterMiddleware {
    private let spans = TracingMiddleware<APIRequestContext>()
    private let recording = !(InstrumentationSystem.tracer is NoOpTracer)

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        if recording { return try await spans.handle(request, context: context, next: next) }
        guard request.headers[Self.traceParent] != nil else { return try await next(request, context) }
        var received = InstrumentationContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &received, using: HeadersExtractor())
        return try await InstrumentationContext.$current.withValue(received) { try await next(request, context) }
    }

    private static let traceParent = HTTPField.Name("traceparent")!

    private struct HeadersExtractor: Extractor {
        func extract(key: String, from headers: HTTPFields) -> String? {
            HTTPField.Name(key).flatMap { headers[$0] }
        }
    }
}
