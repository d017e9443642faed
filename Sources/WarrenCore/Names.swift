/// The rules for the queue and task names users choose, checked wherever a name comes in: a
/// submission, a worker's queues, an operator's declaration and every message a worker reads.
///
/// A queue name must fit the delay routing key (22 words and the name, at most 255 bytes) and
/// its dead-letter queue's name; a task name must fit the AMQP `type` property and an index entry
/// of `warren.tasks`. Both stay well inside at ``maximumLength`` bytes.
public enum Names {
    /// The longest queue or task name, in bytes of UTF-8.
    public static let maximumLength = 200

    /// A queue name: 1–200 letters, digits, `_ - . :`, and none of the names Warren and RabbitMQ
    /// keep for themselves (`<queue>.dead`, `warren.delay.*`, `amq.*`).
    /// - Throws: ``WarrenError`` `invalidArguments` saying which rule it breaks.
    public static func validate(queue: String) throws {
        let allowed = queue.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":")
        }
        guard !queue.isEmpty, queue.utf8.count <= maximumLength, allowed else {
            throw WarrenError(
                .invalidArguments, "a queue name is 1 to \(maximumLength) letters, digits, '_', '-', '.' or ':'")
        }
        guard !queue.hasSuffix(".dead"), !queue.hasPrefix("amq."), !queue.hasPrefix("warren.delay.") else {
            throw WarrenError(
                .invalidArguments,
                "queue names ending in .dead or starting with amq. or warren.delay. are reserved (\(queue))")
        }
    }

    /// A task name: 1–200 bytes, with no control characters.
    /// - Throws: ``WarrenError`` `invalidArguments` saying which rule it breaks.
    public static func validate(task: String) throws {
        guard !task.isEmpty, task.utf8.count <= maximumLength,
            !task.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw WarrenError(
                .invalidArguments, "a task name is 1 to \(maximumLength) bytes with no control characters")
        }
    }
}
