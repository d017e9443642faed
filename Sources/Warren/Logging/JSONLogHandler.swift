import Foundation
public import Logging
import Synchronization
import WarrenCore

/// Writes each log line to standard error as one JSON object (`WARREN_LOG_FORMAT=json`):
/// `{"time", "level", "label", "message", …metadata}`, the metadata's keys at the top level
/// (``LoggingKey``: `task.id`, `task.name`, `queue`, `task.attempt`, …).
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [:]
        for (key, value) in metadataProvider?.get() ?? [:] { fields[key] = Self.json(value) }
        for (key, value) in metadata { fields[key] = Self.json(value) }
        for (key, value) in event.metadata ?? [:] { fields[key] = Self.json(value) }
        if let error = event.error { fields[LoggingKey.error] = .string("\(error)") }
        fields["time"] = .string(ISO8601Timestamp.format(Date()))
        fields["level"] = .string(event.level.rawValue)
        fields["label"] = .string(label)
        fields["message"] = .string(event.message.description)
        let text = JSONValue.object(fields).jsonText + "\n"
        // One write per line, under a lock: lines from many tasks never interleave.
        Self.output.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }

    private static let output = Mutex(())

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.mapValues(json))
        }
    }
}

/// Sets up the process's logging from the configuration, once: `WARREN_LOG_LEVEL` and
/// `WARREN_LOG_FORMAT`, to standard error. The commands call it as they start; a worker of one's
/// own calls it before it makes its ``Worker``.
public enum WarrenLogging {
    public static func bootstrap(_ configuration: Configuration) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        let format = configuration.logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    private static let bootstrapped = Mutex(false)
}
