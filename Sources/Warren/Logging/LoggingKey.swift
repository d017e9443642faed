/// The metadata keys Warren logs with, so logs can be searched by them. Every key Warren logs
/// with is one of these.
public enum LoggingKey {
    public static let taskID = "task.id"
    public static let taskName = "task.name"
    public static let taskAttempt = "task.attempt"
    /// A queue, or comma-separated queues.
    public static let queue = "queue"
    public static let workerID = "worker.id"
    public static let deliveryTag = "amqp.delivery_tag"
    public static let amqpURL = "amqp.url"
    public static let sqlState = "db.sqlstate"
    public static let error = "error"
    public static let reason = "reason"
    /// How long until the next try, or the next attempt.
    public static let retryIn = "retry.in"
    /// How long until a rate-limited task's turn.
    public static let turnIn = "turn.in"
    /// How many things a message is about.
    public static let count = "count"
    /// A periodic schedule's name.
    public static let schedule = "schedule"
    /// Comma-separated task names.
    public static let tasks = "tasks"
    public static let concurrency = "worker.concurrency"
    public static let prefetch = "worker.prefetch"
    /// How long a delivery waited for a free slot.
    public static let waited = "delivery.waited"
    /// Tasks running on the worker.
    public static let running = "worker.running"
    public static let migration = "db.migration"
    /// A file's path, or a request's.
    public static let path = "path"
    /// An SMTP server, as `host:port`.
    public static let smtpServer = "smtp.server"
    /// An SMTP server's reply.
    public static let smtpReply = "smtp.reply"
    /// What a retention pass has deleted so far: tasks, events, dead letters, results expired.
    public static let deletedTasks = "retention.tasks"
    public static let deletedEvents = "retention.events"
    public static let deletedDeadLetters = "retention.dead_letters"
    public static let expiredResults = "retention.results"
    /// How far a retention walk has come: the creation time of the last task it read.
    public static let walkedTo = "retention.walked_to"
}
