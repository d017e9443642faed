import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Starts an attempt of each task that is not finished: creates the row from the message if
    /// it has none (a foreign producer's message, or one that got here before its submission's
    /// INSERT), with a QUEUED event (SCHEDULED with an ETA) at the message's creation, as a
    /// submission records; increments `attempts`, sets STARTED, records a STARTED event, takes the
    /// task off the outbox and announces it (``TaskChanges``). Returns the attempt number of each
    /// task started; tasks already finished are absent, and so are STARTED ones whose message is
    /// not a redelivery: that is a second copy (a relay's, or a producer's) of a task another
    /// worker is running, while a redelivery means the worker that had it is gone. A request with
    /// `expectedAttempts` is absent too when the row's attempts differ. A row still PENDING, its
    /// message having come before the relay recorded publishing it, gets its `queued_at` and
    /// QUEUED event here.
    ///
    /// Absent as well is a message older than the row's ETA: a retry's row carries the ETA of the
    /// message that runs the next attempt, so the previous attempt's message, redelivered because
    /// its ack was lost, is not run again ahead of its backoff (its delayed copy carries the retry).
    func start(_ requests: [StartRequest], worker: String) async throws -> [UUID: AttemptNumber] {
        let envelopes = requests.map(\.envelope)
        let ids = envelopes.map(\.id)
        let tasks = envelopes.map(\.task)
        let queues = envelopes.map(\.queue)
        let args = envelopes.map(\.args.jsonText)
        let redelivered = requests.map(\.redelivered)
        let created = envelopes.map(\.createdAt.timeIntervalSince1970)
        let etas = envelopes.map { $0.eta?.timeIntervalSince1970 }
        let retryPolicies = envelopes.map { $0.retry?.json.jsonText }
        let priorities = requests.map(\.priority)
        let expectedAttempts = requests.map(\.expectedAttempts)
        let started = TaskState.started.rawValue
        let startable = TaskState.startable.map(\.rawValue)
        let rows = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(tasks)::text[], \(queues)::text[], \(args)::jsonb[],
                                     \(redelivered)::bool[], \(created)::float8[], \(etas)::float8[],
                                     \(retryPolicies)::jsonb[], \(priorities)::int[], \(expectedAttempts)::int[])
                    AS i(id, task, queue, args, redelivered, created, eta, retry_policy, priority, expected_attempts)
            ), started AS (
                INSERT INTO warren.tasks AS t (id, task, queue, state, args, attempts, worker, started_at, created_at,
                                               queued_at, eta, retry_policy, priority)
                SELECT id, task, queue, \(started), args, 1, \(worker), now(), to_timestamp(created),
                       to_timestamp(created), to_timestamp(eta), retry_policy, priority
                FROM input ORDER BY id
                ON CONFLICT (id) DO UPDATE SET state = \(started), attempts = t.attempts + 1, worker = \(worker),
                                               started_at = now(), queued_at = coalesce(t.queued_at, now()),
                                               progress = NULL, progress_message = NULL, progress_at = NULL
                WHERE t.state = ANY(\(startable)::text[])
                    AND (SELECT (t.state <> \(started) OR i.redelivered)
                                AND t.attempts = coalesce(i.expected_attempts, t.attempts)
                                AND (t.eta IS NULL OR i.eta >= extract(epoch FROM t.eta) - \(Self.etaPrecision))
                         FROM input i WHERE i.id = excluded.id LIMIT 1)
                -- xmax is 0 on a row this statement inserted, set on one it updated. A row still PENDING
                -- (its message came before the relay recorded publishing it) is queued by this statement.
                RETURNING t.id, t.attempts, t.attempts_at_replay, t.started_at, t.queued_at, t.eta,
                          t.xmax = 0 AS created, t.xmax <> 0 AND t.queued_at = now() AS queued_now
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state, attempt, worker)
                SELECT id, queued_at,
                       CASE WHEN eta IS NULL OR queued_now THEN \(TaskState.queued.rawValue)
                            ELSE \(TaskState.scheduled.rawValue) END,
                       0, NULL
                FROM started WHERE created OR queued_now
                UNION ALL
                SELECT id, started_at, \(started), attempts, \(worker) FROM started
            ), unlisted AS (
                DELETE FROM warren.outbox o USING started s WHERE o.task_id = s.id
            ), announced AS (
                \(unsafeSQL: TaskChanges.announcing("started"))
            )
            SELECT id, attempts, attempts_at_replay FROM started WHERE (SELECT count(*) FROM announced) >= 0
            """)
        var attempts: [UUID: AttemptNumber] = [:]
        for row in rows {
            attempts[try row.decode("id", as: UUID.self)] = try Self.attemptNumber(row)
        }
        return attempts
    }

    /// How each of these tasks stands before a worker runs it: its state and attempts so far.
    /// Tasks without a row are absent.
    func standing(of ids: [UUID]) async throws -> [UUID: (state: TaskState, attempts: AttemptNumber)] {
        let rows = try await pool.query(
            "SELECT id, state, attempts, attempts_at_replay FROM warren.tasks WHERE id = ANY(\(ids)::uuid[])")
        var standing: [UUID: (state: TaskState, attempts: AttemptNumber)] = [:]
        for row in rows {
            standing[try row.decode("id", as: UUID.self)] = (try Self.state(row), try Self.attemptNumber(row))
        }
        return standing
    }

    private static func attemptNumber(_ row: PostgresRow) throws -> AttemptNumber {
        AttemptNumber(number: try row.decode("attempts"), attemptsAtReplay: try row.decode("attempts_at_replay"))
    }

    /// Records outcomes, each only if its attempt is still the current one and still STARTED
    /// (a fenced completion), with an event each and a `warren.dead_letters` row for each FAILURE
    /// that leaves a dead letter, and announces them all (``TaskChanges``). Returns the ids
    /// whose outcome was recorded.
    ///
    /// An outcome with an ``UnrecordedStart`` records its attempt's start as well (attempts, start
    /// time, a STARTED event, off the outbox), fenced instead by the row still waiting with the
    /// attempts its worker read before running it; its row is created from the message if there is
    /// none (with a QUEUED or SCHEDULED event, as in ``start(_:worker:)``), in id order as
    /// ``insert(_:on:)`` takes rows. One outcome per task: a statement cannot write a row twice.
    func finish(_ outcomes: [AttemptOutcome], worker: String) async throws -> Set<UUID> {
        let ids = outcomes.map(\.id)
        let attempts = outcomes.map(\.attempt)
        let states = outcomes.map(\.state.rawValue)
        let results = outcomes.map { $0.result?.jsonText }
        let errors = try outcomes.map { try $0.error.map(Self.json) }
        let etas = outcomes.map { $0.eta?.timeIntervalSince1970 }
        let letterKeys = outcomes.map { $0.deadLetter?.key }
        let bodies = outcomes.map { $0.deadLetter.map { Self.byteaText($0.body) } }
        let progress = outcomes.map { $0.lastProgress?.fraction }
        let progressMessages = outcomes.map { $0.lastProgress?.message }
        let resultTTLs = outcomes.map { $0.resultTTL?.seconds }
        // Of outcomes whose start was never written: what creates the row from the message.
        let starts = outcomes.map(\.unrecordedStart)
        let tasks = starts.map { $0?.envelope.task }
        let queues = starts.map { $0?.envelope.queue }
        let args = starts.map { $0?.envelope.args.jsonText }
        let created = starts.map { $0?.envelope.createdAt.timeIntervalSince1970 }
        let messageETAs = starts.map { $0?.envelope.eta?.timeIntervalSince1970 }
        let retryPolicies = starts.map { $0?.envelope.retry?.json.jsonText }
        let priorities = starts.map { $0?.priority }
        let retry = TaskState.retry.rawValue
        let started = TaskState.started.rawValue
        let rows = try await pool.withConnection { connection in
            // How long each unwritten start ran before this statement: it is stored as `now()` less that.
            let sent = ContinuousClock.now
            let ranFor = starts.map { $0.map { (sent - $0.began).seconds } }
            return try await connection.query(
                """
                WITH input AS (
                    SELECT * FROM unnest(\(ids)::uuid[], \(attempts)::int[], \(states)::text[], \(results)::jsonb[],
                                         \(errors)::jsonb[], \(etas)::float8[], \(letterKeys)::uuid[], \(bodies)::bytea[],
                                         \(ranFor)::float8[], \(tasks)::text[], \(queues)::text[], \(args)::jsonb[],
                                         \(created)::float8[], \(messageETAs)::float8[], \(retryPolicies)::jsonb[],
                                         \(priorities)::int[], \(progress)::float8[], \(progressMessages)::text[],
                                         \(resultTTLs)::float8[])
                        AS i(id, attempt, state, result, error, eta, letter_key, body, ran_for, task, queue, args, created,
                             message_eta, retry_policy, priority, progress, progress_message, result_ttl)
                ), updated AS (
                    UPDATE warren.tasks t
                    SET state = i.state, result = i.result, error = i.error, eta = coalesce(to_timestamp(i.eta), t.eta),
                        finished_at = CASE WHEN i.state = \(retry) THEN NULL ELSE now() END,
                        progress = coalesce(i.progress, t.progress),
                        progress_message = CASE WHEN i.progress IS NULL THEN t.progress_message ELSE i.progress_message END,
                        progress_at = CASE WHEN i.progress IS NULL THEN t.progress_at ELSE now() END
                    FROM input i
                    WHERE i.ran_for IS NULL AND t.id = i.id AND t.attempts = i.attempt AND t.state = \(started)
                    RETURNING t.id, t.queue, t.state, t.attempts, t.error, t.eta, t.result_ttl, t.finished_at
                ), upserted AS (
                    INSERT INTO warren.tasks AS t (id, task, queue, state, args, attempts, worker, created_at, queued_at,
                                                   started_at, finished_at, eta, retry_policy, priority, result, error,
                                                   progress, progress_message, progress_at)
                    SELECT id, task, queue, state, args, attempt, \(worker), to_timestamp(created), to_timestamp(created),
                           now() - ran_for * interval '1 second', CASE WHEN state = \(retry) THEN NULL ELSE now() END,
                           coalesce(to_timestamp(eta), to_timestamp(message_eta)), retry_policy, priority, result, error,
                           progress, progress_message, CASE WHEN progress IS NULL THEN NULL ELSE now() END
                    FROM input WHERE ran_for IS NOT NULL ORDER BY id
                    ON CONFLICT (id) DO UPDATE
                    SET state = excluded.state, attempts = excluded.attempts, worker = excluded.worker,
                        started_at = excluded.started_at, finished_at = excluded.finished_at, result = excluded.result,
                        error = excluded.error, eta = coalesce(excluded.eta, t.eta),
                        queued_at = coalesce(t.queued_at, excluded.started_at), progress = excluded.progress,
                        progress_message = excluded.progress_message, progress_at = excluded.progress_at
                    WHERE t.state = ANY(\(TaskState.waiting.map(\.rawValue))::text[]) AND t.attempts = excluded.attempts - 1
                    -- xmax is 0 on a row this statement inserted, set on one it updated.
                    RETURNING t.id, t.queue, t.state, t.attempts, t.error, t.eta, t.result_ttl, t.finished_at,
                              t.started_at, t.queued_at,
                              t.xmax = 0 AS created, t.xmax <> 0 AND t.queued_at = t.started_at AS queued_now
                ), finished AS (
                    SELECT id, queue, state, attempts, error, eta, result_ttl, finished_at FROM updated
                    UNION ALL
                    SELECT id, queue, state, attempts, error, eta, result_ttl, finished_at FROM upserted
                ), events AS (
                    INSERT INTO warren.task_events (task_id, at, state, attempt, worker, detail)
                    SELECT u.id, u.queued_at,
                           CASE WHEN i.message_eta IS NULL OR u.queued_now THEN \(TaskState.queued.rawValue)
                                ELSE \(TaskState.scheduled.rawValue) END,
                           0, NULL, NULL::jsonb
                    FROM upserted u JOIN input i ON i.id = u.id WHERE u.created OR u.queued_now
                    UNION ALL
                    SELECT id, started_at, \(started), attempts, \(worker), NULL FROM upserted
                    UNION ALL
                    SELECT id, now(), state, attempts, \(worker),
                           CASE WHEN state = \(retry) THEN error || jsonb_build_object('eta', eta) ELSE error END
                    FROM finished
                ), unlisted AS (
                    DELETE FROM warren.outbox o USING upserted u WHERE o.task_id = u.id AND u.state <> \(retry)
                ), letters AS (
                    INSERT INTO warren.dead_letters (queue, task_id, reason, error, key, body)
                    SELECT f.queue, f.id, f.error ->> 'reason', f.error, i.letter_key, i.body
                    FROM finished f JOIN input i ON i.id = f.id
                    WHERE i.body IS NOT NULL
                ), expiring AS (
                    INSERT INTO warren.result_expiries (task_id, expires_at)
                    SELECT f.id, f.finished_at + coalesce(f.result_ttl, i.result_ttl * interval '1 second')
                    FROM finished f JOIN input i ON i.id = f.id
                    WHERE f.state = \(TaskState.success.rawValue) AND coalesce(f.result_ttl, i.result_ttl * interval '1 second') IS NOT NULL
                    ON CONFLICT (task_id) DO UPDATE SET expires_at = excluded.expires_at
                ), listed AS (
                    INSERT INTO warren.outbox (task_id, due)
                    SELECT id, eta + \(Self.overdueAfter.seconds)::float8 * interval '1 second'
                    FROM finished WHERE state = \(retry)
                    ON CONFLICT (task_id) DO UPDATE SET due = excluded.due
                ), announced AS (
                    \(unsafeSQL: TaskChanges.announcing("finished"))
                )
                SELECT id FROM finished WHERE (SELECT count(*) FROM announced) >= 0
                """)
        }
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }

    /// Records a message sent to a dead-letter queue and, when it could be read (`envelope`),
    /// fails its task: the row is created from the envelope when a foreign producer sent it, and
    /// an existing one fails only while it waits. Finished tasks (REVOKED among them) stay as
    /// they are, and so do STARTED ones: another worker that knows the task may be running it.
    /// A message that could not be read touches no task, whatever its `message_id` claims: the
    /// dead letter names `taskID`, and the task it names (if any) goes on as it was. A task failed
    /// here is announced as ``finish(_:worker:)`` announces its own.
    func recordDeadLetter(
        queue: String, taskID: UUID?, envelope: TaskEnvelope?, error: TaskError, letter: KeptDeadLetter,
        worker: String
    ) async throws {
        let id = taskID ?? envelope?.id
        let reason = error.reason?.rawValue ?? "unknown"
        let errorJSON = PostgresJSON(try Self.json(error))
        let failure = TaskState.failure.rawValue
        let waiting = TaskState.waiting.map(\.rawValue)
        _ = try await pool.query(
            """
            WITH input AS (
                SELECT \(id)::uuid AS id, \(envelope?.task)::text AS task, \(queue)::text AS queue,
                       \(envelope?.args.jsonText)::jsonb AS args, \(reason)::text AS reason, \(errorJSON)::jsonb AS error,
                       \(letter.key)::uuid AS key, \(Self.byteaText(letter.body))::bytea AS body,
                       \(worker)::text AS worker
            ), letter AS (
                INSERT INTO warren.dead_letters (queue, task_id, reason, error, key, body)
                SELECT queue, id, reason, error, key, body FROM input
            ), created AS (
                INSERT INTO warren.tasks AS t (id, task, queue, state, args, error, worker, finished_at)
                SELECT id, task, queue, \(failure), args, error, worker, now() FROM input WHERE task IS NOT NULL
                ON CONFLICT (id) DO UPDATE
                SET state = excluded.state, error = excluded.error, finished_at = now(), worker = excluded.worker
                WHERE t.state = ANY(\(waiting)::text[])
                RETURNING t.id, t.attempts, t.finished_at
            ), unlisted AS (
                DELETE FROM warren.outbox o USING created c WHERE o.task_id = c.id
            ), announced AS (
                SELECT pg_notify(\(TaskChanges.channel), id::text) FROM created
            )
            INSERT INTO warren.task_events (task_id, at, state, attempt, worker, detail)
            SELECT f.id, f.finished_at, \(failure), f.attempts, i.worker, i.error
            FROM created f CROSS JOIN input i WHERE (SELECT count(*) FROM announced) >= 0
            """)
    }

    /// Takes the next `count` turns to start a task named `task` under its type's rate limit, and
    /// returns how long each must wait for its turn, in seconds (zero or less: now). A type without
    /// a limit waits zero.
    func takeTurns(_ count: Int, of task: String) async throws -> [Double] {
        let rows = try await pool.query(
            """
            WITH clock AS (SELECT clock_timestamp() AS now)
            UPDATE warren.rate_limits r
            SET next_turn = greatest(r.next_turn, clock.now - (r.burst - 1) * r.every) + \(count)::int * r.every
            FROM clock
            WHERE r.task = \(task)
            RETURNING extract(epoch FROM r.next_turn - \(count)::int * r.every - clock.now)::float8 AS first,
                extract(epoch FROM r.every)::float8 AS every
            """)
        guard let row = rows.first else { return Array(repeating: 0, count: count) }
        let first: Double = try row.decode("first")
        let every: Double = try row.decode("every")
        return (0..<count).map { first + Double($0) * every }
    }
}
