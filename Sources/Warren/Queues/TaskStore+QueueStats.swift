import Foundation
import WarrenPostgres

extension TaskStore {
    /// The width of a `warren.queue_stats` bucket.
    static let queueStatsBucket = Duration.seconds(10)

    /// Adds a worker's counts to the current bucket of each queue.
    func addQueueCounts(_ counts: [String: QueueCounts]) async throws {
        let queues = Array(counts.keys)
        let succeeded = queues.map { counts[$0]!.succeeded }
        let failed = queues.map { counts[$0]!.failed }
        let retried = queues.map { counts[$0]!.retried }
        _ = try await pool.query(
            """
            INSERT INTO warren.queue_stats AS s (queue, at, succeeded, failed, retried)
            SELECT queue, date_bin(\(Self.queueStatsBucket.seconds)::float8 * interval '1 second', now(), 'epoch'),
                   succeeded, failed, retried
            FROM unnest(\(queues)::text[], \(succeeded)::int[], \(failed)::int[], \(retried)::int[])
                AS c(queue, succeeded, failed, retried)
            ORDER BY queue
            ON CONFLICT (queue, at) DO UPDATE
            SET succeeded = s.succeeded + excluded.succeeded, failed = s.failed + excluded.failed,
                retried = s.retried + excluded.retried
            """)
    }

    func deleteQueueCounts(olderThan age: Duration) async throws {
        _ = try await pool.query(
            "DELETE FROM warren.queue_stats WHERE at < now() - \(age.seconds)::float8 * interval '1 second'")
    }

    /// Each queue's counts over the last minute and the last hour: the buckets that began within
    /// each (50 to 60 seconds, 59 min 50 s to an hour), from at most 360 rows a queue.
    func queueCounts() async throws -> [String: (lastMinute: QueueCounts, lastHour: QueueCounts)] {
        let rows = try await pool.query(
            """
            SELECT queue,
                   sum(succeeded) FILTER (WHERE at > now() - interval '1 minute') AS minute_succeeded,
                   sum(failed) FILTER (WHERE at > now() - interval '1 minute') AS minute_failed,
                   sum(retried) FILTER (WHERE at > now() - interval '1 minute') AS minute_retried,
                   sum(succeeded) AS hour_succeeded, sum(failed) AS hour_failed, sum(retried) AS hour_retried
            FROM warren.queue_stats WHERE at > now() - interval '1 hour'
            GROUP BY queue
            """)
        var counts: [String: (lastMinute: QueueCounts, lastHour: QueueCounts)] = [:]
        for row in rows {
            func sum(_ column: String) throws -> Int { try row.decodeIfPresent(column, as: Int.self) ?? 0 }
            counts[try row.decode("queue")] = (
                QueueCounts(
                    succeeded: try sum("minute_succeeded"), failed: try sum("minute_failed"),
                    retried: try sum("minute_retried")),
                QueueCounts(
                    succeeded: try sum("hour_succeeded"), failed: try sum("hour_failed"),
                    retried: try sum("hour_retried"))
            )
        }
        return counts
    }
}
