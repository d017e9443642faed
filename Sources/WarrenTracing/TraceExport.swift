public import Foundation
import Logging
import OTel
public import ServiceLifecycle
import Tracing

/// Where a Warren process's spans go (`warren api`, `warren worker`, or a worker of one's own).
public enum TraceExport {
    /// Bootstraps the process's tracing, once, before it makes its client or worker.
    ///
    /// When the environment names an exporter (`OTEL_EXPORTER_OTLP_ENDPOINT`,
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_TRACES_EXPORTER`), spans go to OpenTelemetry
    /// over OTLP/HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL` `http/protobuf`, the default, or `http/json`),
    /// configured by the other `OTEL_*` variables, and the service is named `serviceName` unless
    /// `OTEL_SERVICE_NAME` says otherwise. Otherwise, or with `OTEL_SDK_DISABLED=true`, no span is
    /// recorded, but a W3C trace context that comes in (a request's `traceparent`, a message's) is
    /// passed on unchanged to the messages of the tasks submitted under it.
    /// - Returns: the exporter, to run beside the process's own services; none without one.
    public static func bootstrap(
        serviceName: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [any Service] {
        let named = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_EXPORTER"]
        guard named.contains(where: { environment[$0] != nil }),
            environment["OTEL_SDK_DISABLED"]?.lowercased() != "true"
        else {
            InstrumentationSystem.bootstrap(TraceContextRelay())
            return []
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        // Warren's metrics are Prometheus', on /metrics.
        configuration.metrics.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        return [try OTel.bootstrap(configuration: configuration, environment: environment)]
    }
}
