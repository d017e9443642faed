import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
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
                requests.map { $0.envelope.eta?.timeIntervalSince1970 },
                requests.map { $0.envelope.retry?.json.jsonText },
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
        let rows = try await pool.query(
            "SELECT id, state, attempts FROM warren.tasks WHERE id = ANY($1::uuid[])", [ids])
        var standing: [UUID: (state: TaskState, attempts: Int)] = [:]
        for row in rows {
            standing[try row.decode("id", as: UUID.self)] = (
                try Self.state(row), try row.decode("attempts", as: Int.self)
            )
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
        let rows = try await pool.withConnection { connection in
            let sent = ContinuousClock.now
            return try await connection.query(
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
                    starts.map { $0.map { (sent - $0.began).seconds } }, starts.map { $0?.envelope.task },
                    starts.map { $0?.envelope.queue },
                    starts.map { $0?.envelope.args.jsonText },
                    starts.map { $0?.envelope.createdAt.timeIntervalSince1970 },
                    starts.map { $0?.envelope.eta?.timeIntervalSince1970 },
                    starts.map { $0?.envelope.retry?.json.jsonText },
                    starts.map { $0?.priority }, TaskState.waiting.map(\.rawValue), TaskState.queued.rawValue,
                    TaskState.scheduled.rawValue,
                ])
        }
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
                queue, taskID ?? envelope?.id, error.reason?.rawValue ?? "unknown", PostgresJSON(errorJSON), hex,
                TaskState.failure.rawValue, worker, [TaskState.success, .failure, .started].map(\.rawValue),
                envelope?.task,
                envelope?.args.jsonText, FinishedTasks.channel,
            ])
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
}
