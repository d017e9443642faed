import Tracing
import W3CTraceContext

/// The instrument of a process that records no spans: it reads a W3C trace context where one comes
/// in (`traceparent` and `tracestate`) and writes it, unchanged, where the process sends one on, so
/// that a trace passes through the process as if it had not been there. A `traceparent` that is not
/// valid W3C Trace Context is ignored, as the standard says.
struct TraceContextRelay: Instrument {
    private enum ReceivedKey: InstrumentationContextKey {
        typealias Value = TraceContext
    }

    func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier),
            let received = try? TraceContext(
                traceParentHeaderValue: parent,
                traceStateHeaderValue: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context[ReceivedKey.self] = received
    }

    func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let received = context[ReceivedKey.self] else { return }
        injector.inject(received.traceParentHeaderValue, forKey: "traceparent", into: &carrier)
        if let state = received.traceStateHeaderValue {
            injector.inject(state, forKey: "tracestate", into: &carrier)
        }
    }
}
