import Metrics
public import Prometheus
import Warren

/// Makes Prometheus the process's swift-metrics backend, so that what Warren records
/// (``TaskMetrics``) can be scraped; `warren api` and `warren worker` do it as they start, and a
/// worker of one's own does it before it makes its ``Worker``.
public enum PrometheusExport {
    /// The registry every metric of the process goes to, bootstrapping swift-metrics with it on
    /// first use (once per process, as swift-metrics allows).
    public static var registry: PrometheusCollectorRegistry { bootstrapped }

    private static let bootstrapped: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Tasks run from milliseconds to hours, and wait as long in a busy queue.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3_600),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// The registry's metrics in Prometheus' text format.
    public static func text() -> [UInt8] {
        registry.emitToBuffer()
    }
}
