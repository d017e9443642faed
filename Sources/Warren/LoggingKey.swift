/// The metadata keys Warren logs with, so logs can be searched by them.
public enum LoggingKey {
    public static let taskID = "task.id"
    public static let taskName = "task.name"
    public static let taskAttempt = "task.attempt"
    public static let queue = "queue"
    public static let workerID = "worker.id"
    public static let deliveryTag = "amqp.delivery_tag"
    public static let amqpURL = "amqp.url"
    public static let sqlState = "db.sqlstate"
    public static let error = "error"
    public static let reason = "reason"
}
