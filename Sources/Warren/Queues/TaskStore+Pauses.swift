import Foundation
import WarrenPostgres

extension TaskStore {
    /// Pauses `queue` (it stays paused if it was) and returns since when it is paused.
    func pause(queue: String) async throws -> Date {
        let rows = try await pool.query(
            """
            INSERT INTO warren.queue_pauses AS p (queue) VALUES (\(queue))
            ON CONFLICT (queue) DO UPDATE SET paused_at = p.paused_at
            RETURNING paused_at
            """)
        return try rows.first!.decode("paused_at")
    }

    func resume(queue: String) async throws {
        _ = try await pool.query("DELETE FROM warren.queue_pauses WHERE queue = \(queue)")
    }

    /// The paused queues among `queues`, with since when.
    func pauses(among queues: [String]) async throws -> [String: Date] {
        let rows = try await pool.query(
            "SELECT queue, paused_at FROM warren.queue_pauses WHERE queue = ANY(\(queues)::text[])")
        var pauses: [String: Date] = [:]
        for row in rows { pauses[try row.decode("queue")] = try row.decode("paused_at") }
        return pauses
    }
}
