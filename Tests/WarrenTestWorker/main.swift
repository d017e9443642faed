// A worker that runs Warren's test tasks (TestTasks: echo, fail, sleep, count, …), for tests
// that need a real worker process: signals, SIGKILL, network cuts.
//
//   WarrenTestWorker <queue> [concurrency] [runaway grace, seconds] [name] [consumer timeout, seconds]
//
// With WARREN_METRICS_PORT set, it serves /metrics there, as `warren worker --metrics-port` does;
// with OTEL_EXPORTER_OTLP_ENDPOINT set, it exports its spans there, as `warren worker` does.
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Warren
import WarrenMetrics
import WarrenTesting
import WarrenTracing

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(
        Data("usage: WarrenTestWorker <queue> [concurrency] [runaway grace] [name] [consumer timeout]\n".utf8))
    exit(2)
}
let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
WarrenLogging.bootstrap(configuration)
let logger = Logger(label: "warren.test-worker")
let traceExport = try TraceExport.bootstrap(serviceName: "warren-test-worker")
let metrics = MetricsServer.forWorker(configuration: configuration, logger: logger)
let worker = Worker(
    configuration: configuration, registry: TestTasks.registry(databaseURL: configuration.databaseURL),
    options: Worker.Options(
        queues: [arguments[1]], concurrency: arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4,
        gracePeriod: .seconds(20),
        name: arguments.count > 4 ? "\(arguments[4]):\(ProcessInfo.processInfo.processIdentifier)" : nil,
        runawayGrace: .seconds(arguments.count > 3 ? Int(arguments[3]) ?? 30 : 30),
        consumerTimeout: .seconds(arguments.count > 5 ? Int(arguments[5]) ?? 1_800 : 1_800)),
    logger: logger)
let group = ServiceGroup(
    configuration: .init(
        services: [worker] + metrics + traceExport, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
try await group.run()
