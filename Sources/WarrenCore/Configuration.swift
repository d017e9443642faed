import Foundation

/// Warren's settings, read from `WARREN_*` environment variables; command-line flags override
/// them in one place (``merging(_:)``).
public struct Configuration: Sendable, Equatable {
    /// `WARREN_AMQP_URL`: the broker, `amqp://user:pass@host:port/vhost`.
    public var amqpURL: String
    /// `WARREN_DATABASE_URL`: a libpq connection URI.
    public var databaseURL: String
    /// `WARREN_HTTP_HOST`: the API's listen address.
    public var httpHost: String
    /// `WARREN_HTTP_PORT`: the API's port.
    public var httpPort: Int
    /// `WARREN_API_KEYS`: comma-separated keys; empty means the API is open.
    public var apiKeys: [String]
    /// `WARREN_LOG_LEVEL`: trace, debug, info, notice, warning, error, critical.
    public var logLevel: LogLevel
    /// `WARREN_MAX_BODY_BYTES`: the largest request body the API reads.
    public var maximumBodyBytes: Int
    /// The largest message body a worker takes; a larger one is dead-lettered as
    /// `invalid_message`. It is ``maximumBodyBytes`` and room for what a message adds to a
    /// submission's arguments, so every submission the API accepts makes a message that fits.
    public var maximumMessageBytes: Int { maximumBodyBytes + Self.envelopeAllowance }
    /// What a message may hold beyond a request's body: ids, names, times and the retry policy.
    public static let envelopeAllowance = 16_384
    /// `WARREN_MAX_WAITERS`: how many status requests may wait (`?wait=`) at once.
    public var maximumWaiters: Int
    /// `WARREN_QUEUE_TYPE`: `classic` or `quorum`, for queues Warren declares.
    public var queueType: QueueType
    /// `WARREN_MAIL_DIR`: where `send_email` drops messages when no SMTP server is set.
    public var mailDirectory: String
    /// `WARREN_SMTP_URL`: the server `send_email` delivers to, `smtp://user:pass@host:port` or
    /// `smtps://…`; none means the mail drop.
    public var smtpURL: String?
    /// `WARREN_MIGRATIONS_DIR`: where `warren migrate` finds its SQL files.
    public var migrationsDirectory: String?
    /// `WARREN_RABBITMQ_API_URL`: RabbitMQ's management HTTP API, `http://user:pass@host:15672`,
    /// which `GET /v1/queues` asks for what AMQP does not tell. None means the broker's host on
    /// port 15672 (`https` on 15671 with `amqps://`), with the broker's user and password.
    public var rabbitmqAPIURL: String? = nil
    /// `WARREN_RETAIN_SUCCESS`, `WARREN_RETAIN_FAILURE`, `WARREN_RETAIN_REVOKED`: how long the API
    /// keeps finished tasks (`7d`, `12h`, or `forever`).
    public var retention = RetentionPolicy.default
    /// `WARREN_MAX_RESULT_BYTES`: the largest result, as JSON, a worker records; a larger one fails
    /// its task.
    public var maximumResultBytes = 1_048_576
    /// `WARREN_MAX_WAITING`: how many tasks may wait in a queue before submissions to it are
    /// refused (429); none by default.
    public var maximumWaiting = QueueLimits.none
    /// `WARREN_METRICS_KEY`: when set, the bearer key a scrape of `/metrics` must present.
    public var metricsKey: String? = nil
    /// `WARREN_METRICS_HOST` and `WARREN_METRICS_PORT`: where a worker serves `/metrics`; no port,
    /// no metrics server (the API serves them on its own port).
    public var metricsHost = "127.0.0.1"
    public var metricsPort: Int? = nil
    /// `WARREN_LOG_FORMAT`: `text` or `json`.
    public var logFormat = LogFormat.text

    public static let defaults = Configuration(
        amqpURL: "amqp://guest:guest@127.0.0.1:5672/%2f",
        databaseURL: "postgresql://postgres@127.0.0.1:5432/warren",
        httpHost: "127.0.0.1",
        httpPort: 8080,
        apiKeys: [],
        logLevel: .info,
        maximumBodyBytes: 1_048_576,
        maximumWaiters: 256,
        queueType: .classic,
        mailDirectory: "mail",
        smtpURL: nil,
        migrationsDirectory: nil
    )

    public init(
        amqpURL: String, databaseURL: String, httpHost: String, httpPort: Int, apiKeys: [String], logLevel: LogLevel,
        maximumBodyBytes: Int, maximumWaiters: Int, queueType: QueueType, mailDirectory: String,
        smtpURL: String?, migrationsDirectory: String?
    ) {
        self.amqpURL = amqpURL
        self.databaseURL = databaseURL
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.apiKeys = apiKeys
        self.logLevel = logLevel
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumWaiters = maximumWaiters
        self.queueType = queueType
        self.mailDirectory = mailDirectory
        self.smtpURL = smtpURL
        self.migrationsDirectory = migrationsDirectory
    }

    /// Reads the environment over the defaults.
    /// - Throws: ``WarrenError`` `invalidConfiguration` naming the variable that is wrong.
    public init(environment: [String: String]) throws {
        self = Self.defaults
        func text(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = text(name) else { return nil }
            guard let number = Int(value), range.contains(number) else {
                throw WarrenError(
                    .invalidConfiguration,
                    "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        amqpURL = text("WARREN_AMQP_URL") ?? amqpURL
        databaseURL = text("WARREN_DATABASE_URL") ?? databaseURL
        httpHost = text("WARREN_HTTP_HOST") ?? httpHost
        httpPort = try number("WARREN_HTTP_PORT", 0...65535) ?? httpPort
        if let keys = text("WARREN_API_KEYS") {
            apiKeys = keys.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func choice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice?
        where Choice.RawValue == String {
            guard let value = text(name) else { return nil }
            guard let choice = Choice(rawValue: value) else {
                let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                throw WarrenError(.invalidConfiguration, "\(name) must be one of \(choices)")
            }
            return choice
        }
        logLevel = try choice("WARREN_LOG_LEVEL") ?? logLevel
        logFormat = try choice("WARREN_LOG_FORMAT") ?? logFormat
        maximumBodyBytes = try number("WARREN_MAX_BODY_BYTES", 1...(256 * 1_048_576)) ?? maximumBodyBytes
        maximumWaiters = try number("WARREN_MAX_WAITERS", 0...100_000) ?? maximumWaiters
        queueType = try choice("WARREN_QUEUE_TYPE") ?? queueType
        mailDirectory = text("WARREN_MAIL_DIR") ?? mailDirectory
        smtpURL = text("WARREN_SMTP_URL")
        migrationsDirectory = text("WARREN_MIGRATIONS_DIR")
        rabbitmqAPIURL = text("WARREN_RABBITMQ_API_URL")
        func retained(_ name: String, _ current: Int?) throws -> Int? {
            guard let value = text(name) else { return current }
            return try RetentionPolicy.seconds(value, setting: name)
        }
        retention.success = try retained("WARREN_RETAIN_SUCCESS", retention.success)
        retention.failure = try retained("WARREN_RETAIN_FAILURE", retention.failure)
        retention.revoked = try retained("WARREN_RETAIN_REVOKED", retention.revoked)
        maximumResultBytes = try number("WARREN_MAX_RESULT_BYTES", 1...(256 * 1_048_576)) ?? maximumResultBytes
        if let limits = text("WARREN_MAX_WAITING") { maximumWaiting = try QueueLimits(parsing: limits) }
        metricsKey = text("WARREN_METRICS_KEY")
        metricsHost = text("WARREN_METRICS_HOST") ?? metricsHost
        metricsPort = try number("WARREN_METRICS_PORT", 0...65535)
    }
}
