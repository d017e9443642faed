public import WarrenCore

/// Every queue Warren knows, and whether RabbitMQ's management API answered.
public struct QueueOverview: Sendable {
    public var queues: [QueueSummary]
    /// Why the management API's figures are missing; nil when it answered.
    public var managementError: String?

    /// `{"queues": [queue, …], "rabbitmq_api": {"ok": Bool, "error"}}`.
    public var document: JSONValue {
        [
            "queues": .array(queues.map(\.document)),
            "rabbitmq_api": [
                "ok": .bool(managementError == nil), "error": managementError.map(JSONValue.string) ?? .null,
            ],
        ]
    }
}
