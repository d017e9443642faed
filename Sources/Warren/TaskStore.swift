import Foundation
import WarrenCore
import WarrenPostgres

/// A task's row in `warren.tasks`.
public struct TaskRecord: Sendable, Equatable {
    public var id: UUID
    public var task: String
    public var queue: String
    public var state: TaskState
    public var args: JSONValue
    public var result: JSONValue?
    public var error: JSONValue?
    public var attempts: Int
    public var priority: Int
    public var worker: String?
    public var createdAt: Date
    public var queuedAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When a SCHEDULED or RETRY task is (or was) due.
    public var eta: Date?
    /// The submission's retry policy, when it overrode the task type's.
    public var retryPolicy: RetryPolicy?
}

/// A task being submitted.
struct NewTask: Sendable {
    var id: UUID
    var task: String
    var queue: String
    var args: JSONValue
    var priority: Int
    var idempotencyKey: String?
    var createdAt: Date
    /// When it is due, for a countdown or ETA.
    var eta: Date?
    /// The submission's retry policy, when it overrides the task type's.
    var retry: RetryPolicy?

    /// The state its row has once its message is in the broker.
    var publishedState: TaskState { eta == nil ? .queued : .scheduled }
}

/// A task type as workers advertise it in `warren.task_types`.
struct AdvertisedTaskType: Sendable {
    var name: String
    /// The default queue.
    var queue: String
    var schema: JSONSchema
    /// The default retry policy.
    var retry: RetryPolicy
    /// Written to `warren.rate_limits` by workers; the catalog does not read it back.
    var rateLimit: RateLimit? = nil
}

/// The outcome of one attempt, to record: SUCCESS with a result, RETRY with the error and when the
/// next attempt is due, or FAILURE with the error and the dead letter it leaves.
struct AttemptOutcome: Sendable {
    var id: UUID
    var attempt: Int
    var state: TaskState
    var result: JSONValue?
    var error: TaskError?
    /// When the next attempt is due (RETRY).
    var eta: Date?
    /// The message body kept in `warren.dead_letters` (FAILURE).
    var deadLetterBody: [UInt8]?
    /// Set when the attempt's start was never written (it ended within the worker's
    /// `recordStartAfter`): the outcome then records the start too.
    var unrecordedStart: UnrecordedStart?
}

/// An attempt that ran without its start being written first: what the outcome needs to record
/// it, and to create the task's row from the message if there is none.
struct UnrecordedStart: Sendable {
    var envelope: TaskEnvelope
    var priority: Int
    /// Seconds since the worker took it up: its start is stored as the outcome's time less this,
    /// on the database's clock.
    var ranFor: Double
}

/// A start to write: the task's message, and the fence it must pass.
struct StartRequest: Sendable {
    var envelope: TaskEnvelope
    var priority: Int
    var redelivered: Bool
    /// The attempts the row must show, or nil for any: a start written while its attempt is
    /// already running was numbered from a read of the row, which must still hold.
    var expectedAttempts: Int? = nil
}

/// Every SQL statement Warren runs against `warren.*`, in one place. Statements take many rows
/// at once (`unnest` of array parameters), pass states as parameters, and find rows by primary
/// key, so their plans stay right as the table grows.
struct TaskStore: Sendable {
    let pool: PostgresPool

    // MARK: Submitting

    /// Inserts tasks as they will be once published (QUEUED, or SCHEDULED when delayed) with an
    /// event of that state, on `connection`, inside the transaction that commits only once the
    /// broker has confirmed their messages (see ``WarrenClient``). Returns the ids actually
    /// inserted: a task whose idempotency key is taken is not, nor one whose row a worker already
    /// created from its message. Rows are inserted in id order, as ``start(_:worker:)`` and
    /// ``finish(_:worker:)`` take them, so a submission and a worker that race for the same rows
    /// wait on each other in one order and never deadlock.
    func insert(_ tasks: [NewTask], on connection: PostgresConnection) async throws -> Set<UUID> {
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[],
                                     $7::float8[], $8::text[], $9::float8[], $10::jsonb[])
                    AS i(id, task, queue, args, priority, idempotency_key, created, state, eta, retry_policy)
            ), inserted AS (
                INSERT INTO warren.tasks (id, task, queue, state, args, priority, idempotency_key, created_at, queued_at,
                                          eta, retry_policy)
                SELECT id, task, queue, state, args, priority, idempotency_key, to_timestamp(created), clock_timestamp(),
                       to_timestamp(eta), retry_policy
                FROM input ORDER BY id
                ON CONFLICT DO NOTHING
                RETURNING id, state, queued_at, eta
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state) SELECT id, queued_at, state FROM inserted
            ), listed AS (
                INSERT INTO warren.outbox (task_id, due)
                SELECT id, eta + $11::float8 * interval '1 second' FROM inserted WHERE eta IS NOT NULL
            )
            SELECT id FROM inserted
            """,
            [
                tasks.map(\.id), tasks.map(\.task), tasks.map(\.queue), tasks.map { $0.args.jsonText },
                tasks.map(\.priority), tasks.map(\.idempotencyKey), tasks.map { $0.createdAt.timeIntervalSince1970 },
                tasks.map(\.publishedState.rawValue), tasks.map { $0.eta?.timeIntervalSince1970 },
                tasks.map { $0.retry?.json.jsonText }, Self.overdueAfter.seconds,
            ])
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    /// Turns tasks inserted by ``insert(_:on:)`` in the same, still open, transaction back to
    /// PENDING: the broker did not confirm them, so they are accepted but not yet published.
    /// They go on the outbox, due at once, for the relay.
    func revertToPending(_ ids: [UUID], on connection: PostgresConnection) async throws {
        _ = try await connection.query(
            """
            WITH tasks AS (
                UPDATE warren.tasks SET state = $2, queued_at = NULL WHERE id = ANY($1::uuid[])
            ), events AS (
                UPDATE warren.task_events SET state = $2 WHERE task_id = ANY($1::uuid[])
            )
            INSERT INTO warren.outbox (task_id, due) SELECT id, now() FROM unnest($1::uuid[]) AS i(id)
            ON CONFLICT (task_id) DO UPDATE SET due = excluded.due
            """,
            [ids, TaskState.pending.rawValue])
    }

    // MARK: Relaying

    /// How long after its due time a delayed task that has not started is published again, in
    /// case its message was lost in the delay queues; and how long after such a republish it is
    /// published once more if it still has not started.
    static let overdueAfter = Duration.seconds(60)
    static let republishAgainAfter = Duration.seconds(600)

    /// Locks up to `limit` outbox entries that are due, with their tasks' rows, and returns the
    /// tasks, on `connection`, inside a transaction. An entry is skipped while another transaction
    /// holds it or its task's row (another relay, a worker starting the task): a worker's start
    /// locks the row before the entry, so a relay that waited for either could deadlock with it.
    /// Rows are locked in the order their tables are named, and a skipped row's earlier locks are
    /// kept: naming the tasks first means a row being started is passed by before its entry is
    /// locked, so the start does not then wait on the relay for the entry.
    func dueOutboxTasks(limit: Int, on connection: PostgresConnection) async throws -> [TaskRecord] {
        let rows = try await connection.query(
            """
            SELECT \(Self.recordColumns) FROM warren.tasks t JOIN warren.outbox o ON o.task_id = t.id
            WHERE o.due <= now() ORDER BY o.due LIMIT $1 FOR UPDATE SKIP LOCKED
            """,
            [limit])
        return try rows.map(Self.record)
    }

    /// After the relay published these tasks: PENDING ones become QUEUED (or SCHEDULED, if still
    /// due later), with an event; entries that still need watching (delayed tasks) are due again
    /// later, the rest leave the outbox. Entries of tasks that finished meanwhile leave too.
    func relayed(_ ids: [UUID], on connection: PostgresConnection) async throws {
        _ = try await connection.query(
            """
            WITH published AS (
                UPDATE warren.tasks t
                SET state = CASE WHEN t.eta > now() THEN $3 ELSE $4 END, queued_at = clock_timestamp()
                WHERE t.id = ANY($1::uuid[]) AND t.state = $2
                RETURNING t.id, t.state, t.queued_at
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state) SELECT id, queued_at, state FROM published
            ), watched AS (
                UPDATE warren.outbox o
                SET due = CASE WHEN t.eta > now() THEN t.eta + $6::float8 * interval '1 second'
                               ELSE now() + $7::float8 * interval '1 second' END
                FROM warren.tasks t
                WHERE o.task_id = t.id AND t.id = ANY($1::uuid[]) AND t.eta IS NOT NULL AND t.state = ANY($5::text[])
            )
            DELETE FROM warren.outbox o USING warren.tasks t
            WHERE o.task_id = t.id AND t.id = ANY($1::uuid[]) AND NOT (t.eta IS NOT NULL AND t.state = ANY($5::text[]))
            """,
            [
                ids, TaskState.pending.rawValue, TaskState.scheduled.rawValue, TaskState.queued.rawValue,
                [TaskState.pending, .scheduled, .retry].map(\.rawValue), Self.overdueAfter.seconds,
                Self.republishAgainAfter.seconds,
            ])
    }

    /// The tasks holding these idempotency keys.
    func tasks(withIdempotencyKeys keys: [String], on connection: PostgresConnection) async throws
        -> [String: TaskRecord]
    {
        let rows = try await connection.query(
            "SELECT \(Self.recordColumns), idempotency_key FROM warren.tasks WHERE idempotency_key = ANY($1::text[])",
            [keys])
        var found: [String: TaskRecord] = [:]
        for row in rows {
            found[try row.decode("idempotency_key")] = try Self.record(row)
        }
        return found
    }

    // MARK: Working

    /// Starts an attempt of each task that is not finished: creates the row from the message if
    /// it has none (a foreign producer's message, or one that got here before its submission's
    /// INSERT), with a QUEUED event (SCHEDULED with an ETA) at the message's creation, as a
    /// submission records; increments `attempts`, sets STARTED, records a STARTED event and takes
    /// the task off the outbox. Returns the attempt number of each task started; tasks already
    /// finished are absent, and so are STARTED ones whose message is not a redelivery: that is a
    /// second copy (a relay's, or a producer's) of a task another worker is running, while a
    /// redelivery means the worker that had it is gone. A request with `expectedAttempts` is
    /// absent too when the row's attempts differ.
    func start(_ requests: [StartRequest], worker: String) async throws -> [UUID: Int] {
        let rows = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $8::bool[], $9::float8[],
                                     $10::float8[], $11::jsonb[], $12::int[], $13::int[])
                    AS i(id, task, queue, args, redelivered, created, eta, retry_policy, priority, expected_attempts)
            ), started AS (
                INSERT INTO warren.tasks AS t (id, task, queue, state, args, attempts, worker, started_at, created_at,
                                               queued_at, eta, retry_policy, priority)
                SELECT id, task, queue, $5, args, 1, $6, now(), to_timestamp(created), to_timestamp(created),
                       to_timestamp(eta), retry_policy, priority
                FROM input ORDER BY id
                ON CONFLICT (id) DO UPDATE SET state = $5, attempts = t.attempts + 1, worker = $6, started_at = now()
                WHERE t.state = ANY($7::text[])
                    AND (SELECT (t.state <> $5 OR i.redelivered) AND t.attempts = coalesce(i.expected_attempts, t.attempts)
                         FROM input i WHERE i.id = excluded.id LIMIT 1)
                -- xmax is 0 on a row this statement inserted, set on one it updated.
                RETURNING t.id, t.attempts, t.started_at, t.queued_at, t.eta, t.xmax = 0 AS created
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state, attempt, worker)
                SELECT id, queued_at, CASE WHEN eta IS NULL THEN $14 ELSE $15 END, 0, NULL FROM started WHERE created
                UNION ALL
                SELECT id, started_at, $5, attempts, $6 FROM started
            ), unlisted AS (
                DELETE FROM warren.outbox o USING started s WHERE o.task_id = s.id
            )
            SELECT id, attempts FROM started
            """,
            [
                requests.map(\.envelope.id), requests.map(\.envelope.task), requests.map(\.envelope.queue),
                requests.map { $0.envelope.args.jsonText }, TaskState.started.rawValue, worker,
                TaskState.startable.map(\.rawValue), requests.map(\.redelivered),
                requests.map { $0.envelope.createdAt.timeIntervalSince1970 },
                requests.map { $0.envelope.eta?.timeIntervalSince1970 }, requests.map { $0.envelope.retry?.json.jsonText },
                requests.map(\.priority), requests.map(\.expectedAttempts), TaskState.queued.rawValue,
                TaskState.scheduled.rawValue,
            ])
        var attempts: [UUID: Int] = [:]
        for row in rows {
            attempts[try row.decode("id", as: UUID.self)] = try row.decode("attempts", as: Int.self)
        }
        return attempts
    }

    /// How each of these tasks stands before a worker runs it: its state and attempts so far.
    /// Tasks without a row are absent.
    func standing(of ids: [UUID]) async throws -> [UUID: (state: TaskState, attempts: Int)] {
        let rows = try await pool.query("SELECT id, state, attempts FROM warren.tasks WHERE id = ANY($1::uuid[])", [ids])
        var standing: [UUID: (state: TaskState, attempts: Int)] = [:]
        for row in rows {
            let state = TaskState(rawValue: try row.decode("state", as: String.self)) ?? .pending
            standing[try row.decode("id", as: UUID.self)] = (state, try row.decode("attempts", as: Int.self))
        }
        return standing
    }

    /// Records outcomes, each only if its attempt is still the current one and still STARTED
    /// (a fenced completion), with an event each and a `warren.dead_letters` row for each FAILURE
    /// that leaves a dead letter, and announces the finished ones (``FinishedTasks``). Returns the ids
    /// whose outcome was recorded.
    ///
    /// An outcome with an ``UnrecordedStart`` records its attempt's start as well (attempts, start
    /// time, a STARTED event, off the outbox), fenced instead by the row still waiting with the
    /// attempts its worker read before running it; its row is created from the message if there is
    /// none (with a QUEUED or SCHEDULED event, as in ``start(_:worker:)``), in id order as
    /// ``insert(_:on:)`` takes rows. One outcome per task: a statement cannot write a row twice.
    func finish(_ outcomes: [AttemptOutcome], worker: String) async throws -> Set<UUID> {
        let errors = try outcomes.map { outcome in
            try outcome.error.map(Self.json)
        }
        let starts = outcomes.map(\.unrecordedStart)
        let rows = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::jsonb[], $6::float8[],
                                     $7::bytea[], $13::float8[], $14::text[], $15::text[], $16::jsonb[], $17::float8[],
                                     $18::float8[], $19::jsonb[], $20::int[])
                    AS i(id, attempt, state, result, error, eta, body, ran_for, task, queue, args, created, message_eta,
                         retry_policy, priority)
            ), updated AS (
                UPDATE warren.tasks t
                SET state = i.state, result = i.result, error = i.error, eta = coalesce(to_timestamp(i.eta), t.eta),
                    finished_at = CASE WHEN i.state = $9 THEN NULL ELSE now() END
                FROM input i
                WHERE i.ran_for IS NULL AND t.id = i.id AND t.attempts = i.attempt AND t.state = $8
                RETURNING t.id, t.queue, t.state, t.attempts, t.error, t.eta
            ), upserted AS (
                INSERT INTO warren.tasks AS t (id, task, queue, state, args, attempts, worker, created_at, queued_at,
                                               started_at, finished_at, eta, retry_policy, priority, result, error)
                SELECT id, task, queue, state, args, attempt, $10, to_timestamp(created), to_timestamp(created),
                       now() - ran_for * interval '1 second', CASE WHEN state = $9 THEN NULL ELSE now() END,
                       coalesce(to_timestamp(eta), to_timestamp(message_eta)), retry_policy, priority, result, error
                FROM input WHERE ran_for IS NOT NULL ORDER BY id
                ON CONFLICT (id) DO UPDATE
                SET state = excluded.state, attempts = excluded.attempts, worker = excluded.worker,
                    started_at = excluded.started_at, finished_at = excluded.finished_at, result = excluded.result,
                    error = excluded.error, eta = coalesce(excluded.eta, t.eta)
                WHERE t.state = ANY($21::text[]) AND t.attempts = excluded.attempts - 1
                -- xmax is 0 on a row this statement inserted, set on one it updated.
                RETURNING t.id, t.queue, t.state, t.attempts, t.error, t.eta, t.started_at, t.queued_at,
                          t.xmax = 0 AS created
            ), finished AS (
                SELECT id, queue, state, attempts, error, eta FROM updated
                UNION ALL
                SELECT id, queue, state, attempts, error, eta FROM upserted
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state, attempt, worker, detail)
                SELECT u.id, u.queued_at, CASE WHEN i.message_eta IS NULL THEN $22 ELSE $23 END, 0, NULL, NULL::jsonb
                FROM upserted u JOIN input i ON i.id = u.id WHERE u.created
                UNION ALL
                SELECT id, started_at, $8, attempts, $10, NULL FROM upserted
                UNION ALL
                SELECT id, now(), state, attempts, $10,
                       CASE WHEN state = $9 THEN error || jsonb_build_object('eta', eta) ELSE error END
                FROM finished
            ), unlisted AS (
                DELETE FROM warren.outbox o USING upserted u WHERE o.task_id = u.id AND u.state <> $9
            ), letters AS (
                INSERT INTO warren.dead_letters (queue, task_id, reason, error, body)
                SELECT f.queue, f.id, f.error ->> 'reason', f.error, i.body
                FROM finished f JOIN input i ON i.id = f.id
                WHERE i.body IS NOT NULL
            ), listed AS (
                INSERT INTO warren.outbox (task_id, due)
                SELECT id, eta + $11::float8 * interval '1 second' FROM finished WHERE state = $9
                ON CONFLICT (task_id) DO UPDATE SET due = excluded.due
            ), announced AS (
                -- Sent at commit; a payload holds at most 8000 bytes, so 200 ids each.
                SELECT pg_notify($12, string_agg(id::text, ',')) FROM (
                    SELECT id, (row_number() OVER () - 1) / 200 AS chunk FROM finished WHERE state <> $9
                ) AS done GROUP BY chunk
            )
            -- A plain CTE runs only when read: the count makes the announcements happen.
            SELECT id FROM finished WHERE (SELECT count(*) FROM announced) >= 0
            """,
            [
                outcomes.map(\.id), outcomes.map(\.attempt), outcomes.map(\.state.rawValue),
                outcomes.map { $0.result?.jsonText }, errors, outcomes.map { $0.eta?.timeIntervalSince1970 },
                outcomes.map { $0.deadLetterBody.map(Self.byteaText) }, TaskState.started.rawValue,
                TaskState.retry.rawValue, worker, Self.overdueAfter.seconds, FinishedTasks.channel,
                starts.map { $0?.ranFor }, starts.map { $0?.envelope.task }, starts.map { $0?.envelope.queue },
                starts.map { $0?.envelope.args.jsonText }, starts.map { $0?.envelope.createdAt.timeIntervalSince1970 },
                starts.map { $0?.envelope.eta?.timeIntervalSince1970 }, starts.map { $0?.envelope.retry?.json.jsonText },
                starts.map { $0?.priority }, TaskState.waiting.map(\.rawValue), TaskState.queued.rawValue,
                TaskState.scheduled.rawValue,
            ])
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    /// Records a message sent to a dead-letter queue and fails its task: the task's row is
    /// created from `envelope` when a foreign producer sent it, or, without an envelope, the row
    /// with `taskID` is failed if it exists. Finished tasks are left as they are, and so are
    /// STARTED ones: another worker that knows the task may be running it. A task failed here is
    /// announced as ``finish(_:worker:)`` announces its own.
    func recordDeadLetter(
        queue: String, taskID: UUID?, envelope: TaskEnvelope?, error: TaskError, body: [UInt8], worker: String
    ) async throws {
        let errorJSON = try Self.json(error)
        let hex = Self.byteaText(body)
        _ = try await pool.query(
            """
            WITH letter AS (
                INSERT INTO warren.dead_letters (queue, task_id, reason, error, body) VALUES ($1, $2, $3, $4, $5::bytea)
            ), created AS (
                INSERT INTO warren.tasks AS t (id, task, queue, state, args, error, worker, finished_at)
                SELECT $2, $9, $1, $6, $10::jsonb, $4, $7, now() WHERE $9::text IS NOT NULL
                ON CONFLICT (id) DO UPDATE SET state = $6, error = $4, finished_at = now(), worker = $7
                WHERE NOT (t.state = ANY($8::text[]))
                RETURNING t.id, t.attempts, t.finished_at
            ), failed AS (
                UPDATE warren.tasks SET state = $6, error = $4, finished_at = now(), worker = $7
                WHERE $9::text IS NULL AND id = $2 AND NOT (state = ANY($8::text[]))
                RETURNING id, attempts, finished_at
            ), finished AS (
                SELECT * FROM created UNION ALL SELECT * FROM failed
            ), announced AS (
                SELECT pg_notify($11, id::text) FROM finished
            )
            INSERT INTO warren.task_events (task_id, at, state, attempt, worker, detail)
            SELECT id, finished_at, $6, attempts, $7, $4 FROM finished WHERE (SELECT count(*) FROM announced) >= 0
            """,
            [
                queue, taskID ?? envelope?.id, error.reason ?? "unknown", PostgresJSON(errorJSON), hex,
                TaskState.failure.rawValue, worker, [TaskState.success, .failure, .started].map(\.rawValue), envelope?.task,
                envelope?.args.jsonText, FinishedTasks.channel,
            ])
    }

    // MARK: Revoking

    /// Revokes a task that is waiting, or with `terminate` one that is running: the row becomes
    /// REVOKED with an event (and leaves the outbox, and is announced finished), which also fences
    /// out the running attempt's outcome. Returns the task's state after the statement (REVOKED when it was revoked), or nil
    /// for an unknown id.
    func revoke(_ id: UUID, terminate: Bool) async throws -> TaskState? {
        let revocable = TaskState.waiting + (terminate ? [.started] : [])
        let rows = try await pool.query(
            """
            WITH revoked AS (
                UPDATE warren.tasks SET state = $2, finished_at = now(), eta = NULL
                WHERE id = $1 AND state = ANY($3::text[])
                RETURNING id, attempts, finished_at
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state, attempt) SELECT id, finished_at, $2, attempts FROM revoked
            ), unlisted AS (
                DELETE FROM warren.outbox o USING revoked r WHERE o.task_id = r.id
            ), announced AS (
                SELECT pg_notify($4, id::text) FROM revoked
            )
            SELECT coalesce((SELECT $2::text FROM revoked), (SELECT state FROM warren.tasks WHERE id = $1)) AS state
            WHERE (SELECT count(*) FROM announced) >= 0
            """,
            [id, TaskState.revoked.rawValue, revocable.map(\.rawValue), FinishedTasks.channel])
        return try rows.first?.decodeIfPresent("state", as: String.self).flatMap(TaskState.init(rawValue:))
    }

    /// Which of these tasks have been revoked (for workers running them).
    func revoked(among ids: [UUID]) async throws -> Set<UUID> {
        let rows = try await pool.query(
            "SELECT id FROM warren.tasks WHERE id = ANY($1::uuid[]) AND state = $2", [ids, TaskState.revoked.rawValue])
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    // MARK: Reading

    /// One task's row, or nil.
    func task(_ id: UUID) async throws -> TaskRecord? {
        let rows = try await pool.query("SELECT \(Self.recordColumns) FROM warren.tasks WHERE id = $1", [id])
        return try rows.first.map(Self.record)
    }

    // MARK: Catalog

    /// Advertises task types for the API to validate and complete submissions with.
    func advertise(_ types: [AdvertisedTaskType]) async throws {
        _ = try await pool.query(
            """
            INSERT INTO warren.task_types (name, queue, args_schema, retry_policy, updated_at)
            SELECT name, queue, schema, retry_policy, now()
            FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) AS i(name, queue, schema, retry_policy)
            ON CONFLICT (name) DO UPDATE
            SET queue = excluded.queue, args_schema = excluded.args_schema, retry_policy = excluded.retry_policy,
                updated_at = now()
            """,
            [
                types.map(\.name), types.map(\.queue), types.map(\.schema.document.jsonText),
                types.map(\.retry.json.jsonText),
            ])
        // A type's limit changes with its code, but the turn in progress is kept; a type whose
        // code no longer declares a limit loses its row.
        _ = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[]) AS i(task, rate, seconds, burst)
            ), unlimited AS (
                DELETE FROM warren.rate_limits r USING input i WHERE r.task = i.task AND i.rate IS NULL
            )
            INSERT INTO warren.rate_limits AS r (task, rate, every, burst)
            SELECT task, rate, make_interval(secs => seconds), burst FROM input WHERE rate IS NOT NULL
            ON CONFLICT (task) DO UPDATE
            SET rate = excluded.rate, every = excluded.every, burst = excluded.burst, updated_at = now()
            WHERE (r.rate, r.every, r.burst) IS DISTINCT FROM (excluded.rate, excluded.every, excluded.burst)
            """,
            [
                types.map(\.name), types.map { $0.rateLimit?.description },
                types.map { $0.rateLimit?.interval.seconds }, types.map { $0.rateLimit?.burst },
            ])
    }

    /// Moves a delayed task's outbox entry (if it has one) to `overdueAfter` past `due`: its
    /// message went back to the delay queues to wait until then, and must not be relayed before.
    func postponeRelay(of id: UUID, until due: Date) async throws {
        _ = try await pool.query(
            "UPDATE warren.outbox SET due = to_timestamp($2::float8) + $3::float8 * interval '1 second' WHERE task_id = $1",
            [id, due.timeIntervalSince1970, Self.overdueAfter.seconds])
    }

    /// Takes the next `count` turns to start a task named `task` under its type's rate limit, and
    /// returns how long each must wait for its turn, in seconds (zero or less: now). A type without
    /// a limit waits zero.
    func takeTurns(_ count: Int, of task: String) async throws -> [Double] {
        let rows = try await pool.query(
            """
            WITH clock AS (SELECT clock_timestamp() AS now)
            UPDATE warren.rate_limits r
            SET next_turn = greatest(r.next_turn, clock.now - (r.burst - 1) * r.every) + $2::int * r.every
            FROM clock
            WHERE r.task = $1
            RETURNING extract(epoch FROM r.next_turn - $2::int * r.every - clock.now)::float8 AS first,
                extract(epoch FROM r.every)::float8 AS every
            """,
            [task, count])
        guard let row = rows.first else { return Array(repeating: 0, count: count) }
        let first: Double = try row.decode("first")
        let every: Double = try row.decode("every")
        return (0..<count).map { first + Double($0) * every }
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

    // MARK: Rows to values

    /// Bytes in PostgreSQL's hex input format for `bytea`.
    static func byteaText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("\\x".utf8)
        text.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An error as the JSON PostgreSQL stores, any U+0000 (which it cannot store) replaced by U+FFFD.
    static func json(_ error: TaskError) throws -> String {
        func storable(_ text: String) -> String {
            text.containsNUL ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
        }
        let stored = TaskError(type: storable(error.type), message: storable(error.message), reason: error.reason.map(storable))
        return String(decoding: try JSONValue.encoder.encode(stored), as: UTF8.self)
    }

    static let recordColumns = """
        id, task, queue, state, args::text AS args, result::text AS result, error::text AS error, attempts, priority, \
        worker, created_at, queued_at, started_at, finished_at, eta, retry_policy::text AS retry_policy
        """

    static func record(_ row: PostgresRow) throws -> TaskRecord {
        func json(_ column: String) throws -> JSONValue? {
            try row.decodeIfPresent(column, as: String.self).map { try JSONValue(parsing: Array($0.utf8)) }
        }
        let stateText: String = try row.decode("state")
        return TaskRecord(
            id: try row.decode("id"), task: try row.decode("task"), queue: try row.decode("queue"),
            state: TaskState(rawValue: stateText) ?? .pending, args: try json("args") ?? .null,
            result: try json("result"), error: try json("error"), attempts: try row.decode("attempts"),
            priority: try row.decode("priority"), worker: try row.decodeIfPresent("worker"),
            createdAt: try row.decode("created_at"), queuedAt: try row.decodeIfPresent("queued_at"),
            startedAt: try row.decodeIfPresent("started_at"), finishedAt: try row.decodeIfPresent("finished_at"),
            eta: try row.decodeIfPresent("eta"),
            retryPolicy: try row.decodeIfPresent("retry_policy", as: String.self).map {
                try RetryPolicy(json: try JSONValue(parsing: Array($0.utf8)), over: .default)
            })
    }
}
