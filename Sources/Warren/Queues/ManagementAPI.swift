import Foundation
import WarrenAMQP
import WarrenCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// RabbitMQ's management HTTP API (the `rabbitmq_management` plugin), asked for what AMQP does
/// not tell: each queue's unacknowledged messages, and the timestamp of the message at its head.
/// Its figures are the broker's statistics, refreshed every `collect_statistics_interval` (5 s
/// by default).
struct ManagementAPI: Sendable {
    struct QueueFigures: Sendable, Equatable {
        var unacknowledged: Int?
        /// The `timestamp` property of the message at the head of the queue (when its task was
        /// submitted); classic queues only.
        var headTimestamp: Date?
    }

    private let queuesURL: URL
    private let authorization: String
    /// Where it is, for errors: the URL without its password.
    let redacted: String

    /// - Parameters:
    ///   - url: `WARREN_RABBITMQ_API_URL`, or nil for the broker's host on port 15672 (15671 with
    ///     https, for a broker reached with TLS).
    ///   - endpoint: the broker, whose virtual host it asks about and whose user it logs in as
    ///     when `url` names none.
    init(url: String?, endpoint: AMQPEndpoint) throws {
        let text = url ?? (endpoint.tls ? "https://\(endpoint.host):15671" : "http://\(endpoint.host):15672")
        guard var components = URLComponents(string: text), let scheme = components.scheme,
            ["http", "https"].contains(scheme), components.host?.isEmpty == false
        else {
            throw WarrenError(
                .invalidConfiguration, "WARREN_RABBITMQ_API_URL: \(text.prefix(200)) is not an http(s) URL")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? endpoint.user
        let password = components.password.flatMap { $0.removingPercentEncoding } ?? endpoint.password
        components.user = nil
        components.password = nil
        let virtualHost = endpoint.virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var basePath = components.percentEncodedPath
        if basePath.hasSuffix("/") { basePath.removeLast() }
        components.percentEncodedPath = basePath + "/api/queues/\(virtualHost)"
        components.query = "columns=name,messages_unacknowledged,head_message_timestamp"
        guard let queuesURL = components.url else {
            throw WarrenError(.invalidConfiguration, "WARREN_RABBITMQ_API_URL: \(text.prefix(200)) is not a URL")
        }
        self.queuesURL = queuesURL
        self.authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        self.redacted = "\(scheme)://\(components.host ?? "")\(components.port.map { ":\($0)" } ?? "")"
    }

    /// The figures of every queue of the virtual host, by name.
    /// - Throws: ``WarrenError`` `unavailable(.broker)` when the API cannot be reached or refuses.
    func queues() async throws -> [String: QueueFigures] {
        var request = URLRequest(url: queuesURL, timeoutInterval: 2)
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw WarrenError(
                .unavailable(.broker), "RabbitMQ's management API at \(redacted): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200, let queues = try? JSONValue(parsing: Array(data)).arrayValue else {
            throw WarrenError(
                .unavailable(.broker),
                "RabbitMQ's management API at \(redacted) answered \(status) to \(queuesURL.path)")
        }
        var figures: [String: QueueFigures] = [:]
        for queue in queues {
            guard let name = queue["name"]?.stringValue else { continue }
            func number(_ key: String) -> Int? {
                if case .number(let value)? = queue[key] { return value.int64Value.map { Int($0) } }
                return nil
            }
            figures[name] = QueueFigures(
                unacknowledged: number("messages_unacknowledged"),
                headTimestamp: number("head_message_timestamp").map { Date(timeIntervalSince1970: Double($0)) })
        }
        return figures
    }
}
