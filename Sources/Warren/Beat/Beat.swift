import Foundation
public import Logging
public import ServiceLifecycle
public import WarrenCore
import WarrenPosix
import WarrenPostgres

/// Fires the periodic schedules in `warren.schedules`: `warren beat`, or an application's own
/// process with the schedules it declares in code.
///
/// Any number may run. The one holding a PostgreSQL advisory lock on a connection of its own is
/// the leader and fires; the others try for the lock every second, so one takes over within
/// about two seconds of the leader's death or loss of its connection. Each slot's firing is
/// inserted with its task in one transaction, under a unique (schedule, slot) key: two leaders
/// at once, for a moment, still fire each slot once. The tasks are published by the outbox
/// relay, which this beat also runs, so that a broker outage delays them and loses none.
public struct Beat: Service {
    private let configuration: Configuration
    private let declared: [Schedule]
    private let logger: Logger
    /// How often the leader looks for due slots.
    static let tick = Duration.milliseconds(250)
    /// How often a standby tries for the lock, and the leader checks it still holds it.
    static let leaseCheck = Duration.seconds(1)
    /// Any fixed number: the lock only has to be the same for every Warren beat.
    static let lockKey = 7_361_202_603

    private let retention: RetentionRunner

    /// - Parameter schedules: the schedules declared in this application's code, synced to
    ///   `warren.schedules` when the beat starts (see ``Schedule``), beside the built-in
    ///   ``Schedule/retention``.
    public init(configuration: Configuration, schedules: [Schedule] = [], logger: Logger) {
        self.configuration = configuration
        self.declared = [Schedule.retention] + schedules
        self.logger = logger
        self.retention = RetentionRunner(
            retention: HistoryRetention(
                databaseURL: configuration.databaseURL, policy: configuration.retention, logger: logger),
            logger: logger)
    }

    public func run() async throws {
        try await WarrenClient.withClient(configuration: configuration, maximumConnections: 2, logger: logger) {
            client in
            try await untilShutdown { try await sync(client) }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await OutboxRelay(client: client, logger: logger).run() }
                group.addTask { await retention.run() }
                try await untilShutdown { try await lead(client) }
                group.cancelAll()
            }
        }
    }

    /// Runs `body` until it returns, or the process shuts down; retries it every second while
    /// the database cannot be reached, logging the outage once.
    private func untilShutdown(_ body: () async throws -> Void) async throws {
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await body()
                return
            } catch {
                if !failing {
                    logger.warning("beat cannot reach PostgreSQL; retrying", metadata: [LoggingKey.error: "\(error)"])
                }
                failing = true
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.leaseCheck) }
            }
        }
    }

    private func sync(_ client: WarrenClient) async throws {
        try await client.store.sync(declared: declared)
        logger.info("schedules declared in code synced", metadata: [LoggingKey.count: "\(declared.count)"])
    }

    /// Waits for the lock, then fires due slots until the lock's connection is lost (then throws,
    /// to wait for the lock again) or the process shuts down.
    private func lead(_ client: WarrenClient) async throws {
        let connection = try await PostgresConnection.connect(uri: configuration.databaseURL, name: "warren-beat")
        try await closing(connection.close) {
            while !(try await Self.tryLock(connection)) {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.leaseCheck) }
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
            }
            // The server ends the session, and so frees the lock, if this process stops answering.
            try await connection.execute(
                unsafeSQL: """
                    SET idle_session_timeout = '5s';
                    SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 2
                    """)
            logger.notice("beat is the leader")
            var checked = ContinuousClock.now
            var failing = false
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                if ContinuousClock.now - checked >= Self.leaseCheck {
                    _ = try await connection.query("SELECT 1")
                    checked = .now
                }
                do {
                    try await fireDue(client)
                    if failing { logger.notice("beat fires again") }
                    failing = false
                } catch {
                    if !failing {
                        logger.warning(
                            "beat cannot fire its due slots; retrying", metadata: [LoggingKey.error: "\(error)"])
                    }
                    failing = true
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.tick) }
            }
        }
    }

    private static func tryLock(_ connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_lock(\(lockKey)) AS locked").first!.decode("locked")
    }

    /// Fires every due slot of every schedule that is not paused, then publishes the tasks, and
    /// revokes the fired tasks that expired before they started.
    func fireDue(_ client: WarrenClient) async throws {
        let now = Date()
        var fired = 0
        for stored in try await client.store.schedulesToFire() {
            let schedule = stored.schedule
            let slots = schedule.trigger.due(after: stored.fireAfter, now: now, catchUp: schedule.catchUp)
            guard !slots.isEmpty else { continue }
            var firings: [Firing] = []
            for slot in slots {
                guard !schedule.runsInBeat else {
                    firings.append(Firing(slot: slot, task: nil))
                    continue
                }
                let task: Result<NewTask, WarrenError>
                do {
                    task = .success(try await client.validated(schedule.submission))
                } catch let error as WarrenError {
                    task = .failure(error)
                    logger.error(
                        "schedule cannot make its task",
                        metadata: [LoggingKey.schedule: "\(schedule.name)", LoggingKey.error: "\(error)"])
                }
                firings.append(
                    Firing(
                        slot: slot, task: task, expiresAt: schedule.expires.map { slot.addingTimeInterval($0.seconds) })
                )
            }
            let (tasks, claimed) = try await client.store.fire(firings, of: schedule.name)
            if schedule.runsInBeat, claimed > 0 { retention.request() }
            fired += tasks.count
            for task in tasks {
                logger.info(
                    "schedule fired",
                    metadata: [
                        LoggingKey.schedule: "\(schedule.name)", LoggingKey.taskID: "\(task.id)",
                        LoggingKey.taskName: "\(task.task)",
                    ])
            }
        }
        if fired > 0 { _ = try await client.relayDueTasks() }
        for id in try await client.store.expiredFirings() {
            _ = try await client.revoke(id)
            logger.info(
                "revoked a fired task that did not start before its schedule's expiry",
                metadata: [LoggingKey.taskID: "\(id)"])
        }
    }
}

/// Runs history retention when the built-in schedule fires: one pass at a time, beside the firing
/// loop, going on from where the last one ended (so that a pass reads only the tasks that have
/// grown old enough since), and from the oldest task again once a day, for tasks that finished
/// long after they were submitted.
final class RetentionRunner: Sendable {
    private let retention: HistoryRetention
    private let logger: Logger
    private let requests: AsyncStream<Void>
    private let requester: AsyncStream<Void>.Continuation

    init(retention: HistoryRetention, logger: Logger) {
        self.retention = retention
        self.logger = logger
        (requests, requester) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass; one asked for while a pass runs follows it.
    func request() { requester.yield() }

    func run() async {
        var position: RetentionPosition? = nil
        var walkStarted = ContinuousClock.now
        var failing = false
        for await _ in requests {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            if ContinuousClock.now - walkStarted > .seconds(86_400) {
                position = nil
                walkStarted = .now
            }
            do {
                position = try await retention.passIfFree(from: position)
                if failing { logger.notice("retention resumed") }
                failing = false
            } catch {
                if !failing { logger.warning("retention cannot run", metadata: [LoggingKey.error: "\(error)"]) }
                failing = true
            }
        }
    }
}
