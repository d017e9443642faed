import Foundation
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import Warren

/// Serves `GET /metrics` (Prometheus' text format) on a port of its own: `warren worker
/// --metrics-port`, or a worker of one's own beside its ``Worker`` in a `ServiceGroup`.
public struct MetricsServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - host: the listen address (`WARREN_METRICS_HOST`).
    ///   - port: the port (`WARREN_METRICS_PORT`); 0 picks a free one, told to `onListening`.
    ///   - key: when set (`WARREN_METRICS_KEY`), the bearer key a scrape must present.
    public init(
        host: String, port: Int, key: String?, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        let router = Router()
        router.get("/metrics") { request, _ in
            try MetricsResponse.checkKey(request, key: key)
            return MetricsResponse.response(PrometheusExport.text())
        }
        application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "warren-metrics"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }

    /// What a worker runs beside itself to be scraped: a server on `WARREN_METRICS_PORT`, or
    /// nothing when it is not set. Call it before making the ``Worker``: it makes Prometheus the
    /// metrics backend. It prints the port it listens on.
    public static func forWorker(configuration: Configuration, logger: Logger) -> [any Service] {
        guard let port = configuration.metricsPort else { return [] }
        _ = PrometheusExport.registry
        let host = configuration.metricsHost
        return [
            MetricsServer(host: host, port: port, key: configuration.metricsKey, logger: logger) { port in
                // Unbuffered, as `warren api` says where it listens: scripts and tests read it at once.
                FileHandle.standardOutput.write(
                    Data("Warren metrics listening on http://\(host):\(port)/metrics\n".utf8))
            }
        ]
    }
}

/// The answer to a scrape, shared by ``MetricsServer`` and the API's `/metrics`.
public enum MetricsResponse {
    /// Refuses a scrape without the metrics key, when there is one.
    /// - Throws: `HTTPError` 401.
    public static func checkKey(_ request: Request, key: String?) throws {
        guard let key else { return }
        guard let presented = bearerKey(of: request),
            KeyDigest(of: presented).matches(KeyDigest(of: key))
        else {
            throw HTTPError(.unauthorized, message: "send WARREN_METRICS_KEY as 'Authorization: Bearer <key>'")
        }
    }

    /// The key a request presents as `Authorization: Bearer <key>`, if it does.
    public static func bearerKey(of request: Request) -> String? {
        request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    }

    /// `text` (Prometheus' exposition format) as a 200.
    public static func response(_ text: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }
}
