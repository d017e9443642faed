/// A value in an AMQP field table (headers, queue arguments).
public enum AMQPFieldValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case timestamp(UInt64)
    case table(AMQPTable)
    case array([AMQPFieldValue])
    case bytes([UInt8])
    case void

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer, when it is one.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// An AMQP field table.
public typealias AMQPTable = [String: AMQPFieldValue]
