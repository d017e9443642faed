import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Advertises task types for the API to validate and complete submissions with, and the
    /// queues a worker consumes, which submissions may then name.
    func advertise(_ types: [AdvertisedTaskType], consuming queues: [String]) async throws {
        _ = try await pool.query(
            """
            INSERT INTO warren.queues (name, consumed_since) SELECT unnest(\(queues)::text[]), now()
            ON CONFLICT (name) DO UPDATE SET consumed_since = now()
            """)
        let names = types.map(\.name)
        let limits = types.map(\.rateLimit)
        _ = try await pool.query(
            """
            INSERT INTO warren.task_types (name, queue, args_schema, retry_policy, updated_at)
            SELECT name, queue, schema, retry_policy, now()
            FROM unnest(\(names)::text[], \(types.map(\.queue))::text[], \(types.map(\.schema.document.jsonText))::jsonb[],
                        \(types.map(\.retry.json.jsonText))::jsonb[]) AS i(name, queue, schema, retry_policy)
            ON CONFLICT (name) DO UPDATE
            SET queue = excluded.queue, args_schema = excluded.args_schema, retry_policy = excluded.retry_policy,
                updated_at = now()
            """)
        // A type's limit changes with its code, but the turn in progress is kept; a type whose
        // code no longer declares a limit loses its row.
        _ = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(names)::text[], \(limits.map { $0?.description })::text[],
                                     \(limits.map { $0?.interval.seconds })::float8[], \(limits.map { $0?.burst })::int[])
                    AS i(task, rate, seconds, burst)
            ), unlimited AS (
                DELETE FROM warren.rate_limits r USING input i WHERE r.task = i.task AND i.rate IS NULL
            )
            INSERT INTO warren.rate_limits AS r (task, rate, every, burst)
            SELECT task, rate, make_interval(secs => seconds), burst FROM input WHERE rate IS NOT NULL
            ON CONFLICT (task) DO UPDATE
            SET rate = excluded.rate, every = excluded.every, burst = excluded.burst, updated_at = now()
            WHERE (r.rate, r.every, r.burst) IS DISTINCT FROM (excluded.rate, excluded.every, excluded.burst)
            """)
    }

    /// Records that an operator declared `queue`, so that submissions may name it before a
    /// worker consumes it.
    func declare(queue: String) async throws {
        _ = try await pool.query(
            """
            INSERT INTO warren.queues (name, declared_at) VALUES (\(queue), now())
            ON CONFLICT (name) DO UPDATE SET declared_at = coalesce(warren.queues.declared_at, now())
            """)
    }

    /// The queues a submission may name: those workers consume or an operator declared, and
    /// every advertised task type's default queue.
    func invitedQueues() async throws -> Set<String> {
        let rows = try await pool.query(
            "SELECT name FROM warren.queues UNION SELECT queue FROM warren.task_types")
        return Set(try rows.map { try $0.decode("name", as: String.self) })
    }

    /// Every advertised task type. A type advertised before retry policies existed gets the default one.
    func catalog() async throws -> [String: AdvertisedTaskType] {
        var types: [String: AdvertisedTaskType] = [:]
        let rows = try await pool.query(
            "SELECT name, queue, args_schema::text AS schema, retry_policy::text AS retry FROM warren.task_types")
        for row in rows {
            let schema = try JSONValue(parsing: Array((try row.decode("schema", as: String.self)).utf8))
            let retry = try row.decodeIfPresent("retry", as: String.self).map {
                try RetryPolicy(json: try JSONValue(parsing: Array($0.utf8)), over: .default)
            }
            let name: String = try row.decode("name")
            types[name] = AdvertisedTaskType(
                name: name, queue: try row.decode("queue"), schema: JSONSchema(schema), retry: retry ?? .default)
        }
        return types
    }
}
