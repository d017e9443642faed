/// The kind of RabbitMQ queue Warren declares for task queues and their dead-letter queues.
public enum QueueType: String, Sendable, CaseIterable {
    /// Classic queues, with priorities (the default).
    case classic
    /// Replicated quorum queues, for clusters: no priorities in RabbitMQ 3.10.
    case quorum
}
