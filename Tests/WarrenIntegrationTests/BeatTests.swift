import Foundation
import Hummingbird
import ServiceLifecycle
import Testing
import Warren
import WarrenCore
import WarrenPosix
import WarrenPostgres
import WarrenTesting

/// `warren beat` against real servers: several beats fire each slot once, a standby takes over
/// from a killed leader, and schedules are managed from the CLI and declared in code. Each test
/// has a database of its own: a beat fires every schedule of its database.
@Suite(.timeLimit(.minutes(3))) struct BeatTests {
    static let warren = builtExecutable("warren")

    /// A `warren beat` process, killed if the test leaves it running.
    final class BeatProcess: @unchecked Sendable {
        let process = Process()
        let outputPath = NSTemporaryDirectory() + "warren-beat-\(UUID().uuidString)"

        init(databaseURL: String) throws {
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.executableURL = URL(fileURLWithPath: BeatTests.warren)
            process.arguments = ["beat"]
            process.environment = ProcessInfo.processInfo.environment.merging(["WARREN_DATABASE_URL": databaseURL]) {
                $1
            }
            process.standardOutput = output
            process.standardError = output
            try process.run()
            try output.close()
        }

        var output: String {
            String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data(), as: UTF8.self)
        }

        var isLeader: Bool { output.contains("beat is the leader") }

        func stop(_ signal: Int32 = SIGTERM) async throws {
            if process.isRunning { kill(process.processIdentifier, signal) }
            try await eventually("warren beat stopped") { !process.isRunning }
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(atPath: outputPath)
        }
    }

    /// What a schedule fired: its slots in order, and the tasks created for them.
    struct Ledger {
        var slots: [Date]
        var tasks: Int

        /// Slots that should have fired between the first and the last and did not.
        var missed: Int {
            guard let first = slots.first, let last = slots.last else { return 0 }
            return Int(last.timeIntervalSince(first).rounded()) + 1 - Set(slots).count
        }
        var doubled: Int { slots.count - Set(slots).count + max(0, tasks - slots.count) }

        static func read(_ schedule: String, queue: String, pool: PostgresPool) async throws -> Ledger {
            let slots = try await pool.query(
                "SELECT slot FROM warren.schedule_firings WHERE schedule = \(schedule) ORDER BY slot"
            ).map { try $0.decode("slot", as: Date.self) }
            let tasks: Int = try await pool.query("SELECT count(*) AS n FROM warren.tasks WHERE queue = \(queue)")
                .first!.decode("n")
            return Ledger(slots: slots, tasks: tasks)
        }
    }

    /// Adds an every-second schedule of `test.echo` on a queue of its own.
    static func addEverySecond(
        _ name: String, configuration: Configuration
    ) async throws -> String {
        let queue = TestEnvironment.uniqueQueue("beat")
        try await WarrenClient.withClient(configuration: configuration, logger: Servers.logger) { client in
            try await client.declare(queue: queue)
            _ = try await client.addSchedule(
                try Schedule(
                    name: name, trigger: .every(seconds: 1), task: TestTasks.Echo.name, args: ["value": 1],
                    queue: queue))
        }
        return queue
    }

    @Test func twoBeatsFireEachSlotOfAnEverySecondScheduleOnceForAMinute() async throws {
        try await Servers.withDatabase("warren_beat_two") { configuration in
            let queue = try await Self.addEverySecond("every-second", configuration: configuration)
            let beats = try (0..<2).map { _ in try BeatProcess(databaseURL: configuration.databaseURL) }
            let start = Date()
            try await Task.sleep(for: .seconds(60))
            for beat in beats { try await beat.stop() }
            let end = Date()
            #expect(beats.filter(\.isLeader).count >= 1)
            let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
            let ledger = try await closing(pool.close) {
                try await Ledger.read("every-second", queue: queue, pool: pool)
            }
            #expect(ledger.missed == 0)
            #expect(ledger.doubled == 0)
            #expect(ledger.tasks == ledger.slots.count)
            // Every slot of the minute, but for the beats' start and stop.
            #expect(ledger.slots.count >= 55, "\(ledger.slots.count) slots")
            #expect(ledger.slots.first.map { $0.timeIntervalSince(start) < 5 } == true)
            #expect(ledger.slots.last.map { end.timeIntervalSince($0) < 3 } == true)
        }
    }

    @Test func aStandbyTakesOverFromAKilledLeaderWithinFiveSecondsMissingNoSlot() async throws {
        try await Servers.withDatabase("warren_beat_failover") { configuration in
            let queue = try await Self.addEverySecond("failover", configuration: configuration)
            let beats = try (0..<2).map { _ in try BeatProcess(databaseURL: configuration.databaseURL) }
            try await eventually("a beat leads") { beats.contains(where: \.isLeader) }
            try await Task.sleep(for: .seconds(8))
            let leader = try #require(beats.first { $0.isLeader })
            let standby = try #require(beats.first { !$0.isLeader })
            try await leader.stop(SIGKILL)
            let killed = ContinuousClock.now
            try await eventually(timeout: .seconds(10), "the standby leads") { standby.isLeader }
            let takeover = ContinuousClock.now - killed
            #expect(takeover < .seconds(5), "took over after \(takeover)")
            try await Task.sleep(for: .seconds(8))
            try await standby.stop()
            let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
            let ledger = try await closing(pool.close) {
                try await Ledger.read("failover", queue: queue, pool: pool)
            }
            #expect(ledger.missed == 0, "\(ledger.slots)")
            #expect(ledger.doubled == 0)
            #expect(ledger.slots.count >= 15)
        }
    }

    /// Through the CLI: add, list with the next five slots in the schedule's zone and in UTC,
    /// pause, resume, run now and remove; an invalid expression is refused naming its field.
    @Test func schedulesAreManagedFromTheCommandLine() async throws {
        try await Servers.withDatabase("warren_beat_cli") { configuration in
            let environment = ["WARREN_DATABASE_URL": configuration.databaseURL]
            func warren(_ arguments: [String], status: Int32 = 0) async throws -> String {
                let run = try await runProgram(
                    Self.warren, arguments, environment: environment, includingErrors: status != 0)
                #expect(run.status == status, "warren \(arguments.joined(separator: " ")): \(run.output)")
                return run.output
            }
            let refused = try await warren(
                ["schedules", "add", "bad", "--cron", "61 * * * *", "--task", "test.echo"], status: 1)
            #expect(refused.contains("minute: 61 is out of range 0–59"))
            let zone = try await warren(
                ["schedules", "add", "bad", "--cron", "0 * * * *", "--zone", "Mars/Base", "--task", "test.echo"],
                status: 1)
            #expect(zone.contains("zone:"))
            let added = try JSONValue(
                parsing: Array(
                    try await warren([
                        "schedules", "add", "nightly", "--cron", "30 2 * * *", "--zone", "Europe/Madrid", "--task",
                        "test.echo", "--args", #"{"value": 3}"#, "--json",
                    ]).utf8))
            let next = try #require(added["next"]?.arrayValue)
            #expect(next.count == 5)
            #expect(next.first?["local"]?.stringValue?.contains("T02:30:00+0") == true)
            #expect(added["declared_in_code"] == false)
            _ = try await warren(["schedules", "pause", "nightly"])
            let paused = try JSONValue(parsing: Array(try await warren(["schedules", "--json"]).utf8))
            let first = paused["schedules"]?.arrayValue?.first
            #expect(first?["paused"] == true)
            #expect(first?["next"] == [])
            _ = try await warren(["schedules", "resume", "nightly"])
            let ran = try JSONValue(
                parsing: Array(try await warren(["schedules", "run-now", "nightly", "--json"]).utf8))
            #expect(ran["task"] == "test.echo")
            _ = try await warren(["schedules", "remove", "nightly"])
            _ = try await warren(["schedules", "remove", "nightly"], status: 1)
        }
    }

    /// A schedule declared in code keeps a run-time change until its declaration changes.
    @Test func aRunTimeChangeLastsUntilTheCodesDeclarationChanges() async throws {
        try await Servers.withDatabase("warren_beat_code") { configuration in
            func runBeat(_ schedules: [Schedule]) async throws {
                let group = ServiceGroup(
                    configuration: .init(
                        services: [Beat(configuration: configuration, schedules: schedules, logger: Servers.logger)],
                        logger: Servers.logger))
                let running = Task { try await group.run() }
                try await Task.sleep(for: .seconds(1))
                await group.triggerGracefulShutdown()
                try await running.value
            }
            let hourly = try Schedule.cron(
                "0 * * * *", name: "hourly", task: TestTasks.Echo.self, arguments: .init(value: 1))
            try await runBeat([hourly])
            try await WarrenClient.withClient(configuration: configuration, logger: Servers.logger) { client in
                var stored = try #require(try await client.schedule(named: "hourly"))
                #expect(stored.declaredInCode)
                stored.schedule.paused = true
                _ = try await client.replaceSchedule(stored.schedule)
                try await runBeat([hourly])
                #expect(try await client.schedule(named: "hourly")?.schedule.paused == true)
                var changed = hourly
                changed.trigger = .cron(try CronExpression("30 * * * *"), zone: .gmt)
                try await runBeat([changed])
                let replaced = try #require(try await client.schedule(named: "hourly"))
                #expect(replaced.schedule.paused == false)
                #expect(replaced.schedule.trigger == changed.trigger)
            }
        }
    }

    /// Over REST: add, read, pause, run now, remove; invalid schedules are 422s naming the field.
    @Test func schedulesAreManagedOverREST() async throws {
        try await Servers.withDatabase("warren_beat_api") { configuration in
            try await withAPI(configuration) { api in
                let refused = try await api.postJSON(
                    "/v1/schedules", #"{"name": "bad", "cron": "61 * * * *", "zone": "Mars/Base", "task": "test.echo"}"#
                )
                #expect(refused.status == .unprocessableContent)
                let errors = refused.json["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(errors.contains("$.cron: minute: 61 is out of range 0–59"), "\(errors)")
                #expect(errors.contains { $0.hasPrefix("$.zone: ") }, "\(errors)")
                let neither = try await api.postJSON("/v1/schedules", #"{"name": "bad", "task": "test.echo"}"#)
                #expect(neither.json["errors"] == ["$.cron: one of cron and every is required"])
                let unknown = try await api.postJSON(
                    "/v1/schedules", #"{"name": "bad", "every": "1m", "task": "no.such.task"}"#)
                #expect(unknown.status == .unprocessableContent)
                let created = try await api.postJSON(
                    "/v1/schedules",
                    #"{"name": "report", "cron": "0 0 * * *", "zone": "America/New_York", "task": "test.echo", "args": {"value": 2}}"#
                )
                #expect(created.status == .created)
                #expect(
                    created.json["next"]?.arrayValue?.first?["local"]?.stringValue?.hasSuffix("T00:00:00-05:00") == true
                )
                #expect(
                    created.json["next"]?.arrayValue?.first?["utc"]?.stringValue?.hasSuffix("T05:00:00.000Z") == true)
                let taken = try await api.postJSON(
                    "/v1/schedules", #"{"name": "report", "every": "1m", "task": "test.echo", "args": {"value": 2}}"#)
                #expect(taken.status == .conflict)
                let paused = try await api.send(.patch, "/v1/schedules/report", body: #"{"paused": true}"#)
                #expect(paused.status == .ok)
                #expect(paused.json["paused"] == true)
                #expect(paused.json["next"] == [])
                let interval = try await api.send(
                    .patch, "/v1/schedules/report", body: #"{"every": "90s", "paused": false}"#)
                #expect(interval.json["every"] == "90s")
                #expect(interval.json["cron"] == .null)
                #expect(interval.json["zone"] == "UTC")
                let badPatch = try await api.send(.patch, "/v1/schedules/report", body: #"{"every": "soon"}"#)
                #expect(badPatch.json["errors"]?.arrayValue?.first?.stringValue?.hasPrefix("$.every: ") == true)
                let ran = try await api.postJSON("/v1/schedules/report/run", "")
                #expect(ran.status == .accepted)
                #expect(ran.json["task"] == "test.echo")
                let listed = try await api.get("/v1/schedules")
                #expect(listed.json["schedules"]?.arrayValue?.map { $0["name"] } == ["report"])
                // A NUL would cut the name short in PostgreSQL: it names no schedule.
                #expect(try await api.send(.delete, "/v1/schedules/report%00x").status == .notFound)
                #expect(try await api.get("/v1/schedules/report").status == .ok)
                #expect(try await api.send(.delete, "/v1/schedules/report").status == .noContent)
                #expect(try await api.get("/v1/schedules/report").status == .notFound)
                #expect(try await api.send(.delete, "/v1/schedules/report").status == .notFound)
            }
        }
    }

    /// Retention is the built-in schedule `warren.retention`, which every beat declares and the
    /// leader runs itself; here given a one-second trigger at run time, it deletes old history.
    @Test func theLeadingBeatRunsRetentionAsABuiltInSchedule() async throws {
        try await Servers.withDatabase("warren_beat_retention") { configuration in
            let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
            try await closing(pool.close) {
                let old = try await RetentionTests().seedTask(
                    .success, finishedDaysAgo: 30, queue: "default", pool)
                let recent = try await RetentionTests().seedTask(.success, finishedDaysAgo: 1, queue: "default", pool)
                let beat = try BeatProcess(databaseURL: configuration.databaseURL)
                try await eventually("the beat leads") { beat.isLeader }
                try await WarrenClient.withClient(configuration: configuration, logger: Servers.logger) { client in
                    let builtIn = try #require(try await client.schedule(named: "warren.retention"))
                    #expect(builtIn.declaredInCode)
                    #expect(builtIn.schedule.trigger == .every(seconds: 60))
                    var faster = builtIn.schedule
                    faster.trigger = .every(seconds: 1)
                    _ = try await client.replaceSchedule(faster)
                    try await eventually("retention ran") { try await client.status(of: old) == nil }
                    #expect(try await client.status(of: recent) != nil)
                    let ran = try #require(try await client.schedule(named: "warren.retention")?.lastFiring)
                    #expect(ran.taskID == nil && ran.error == nil)
                    await #expect(throws: WarrenError.self) {
                        try await client.runScheduleNow(named: "warren.retention")
                    }
                }
                try await beat.stop()
            }
        }
    }

    /// With `expires`, a fired task that has not started that long after its slot is revoked: here
    /// no worker consumes its queue.
    @Test func aFiredTaskNotStartedBeforeItsExpiryIsRevoked() async throws {
        try await Servers.withDatabase("warren_beat_expiry") { configuration in
            let queue = TestEnvironment.uniqueQueue("beat-expiry")
            try await WarrenClient.withClient(configuration: configuration, logger: Servers.logger) { client in
                try await client.declare(queue: queue)
                _ = try await client.addSchedule(
                    try Schedule(
                        name: "expiring", trigger: .every(seconds: 1), task: TestTasks.Echo.name, args: ["value": 1],
                        queue: queue, expires: .seconds(1)))
                let beat = try BeatProcess(databaseURL: configuration.databaseURL)
                var first: UUID?
                try await eventually("a slot fired") {
                    first = try await client.schedule(named: "expiring")?.lastFiring?.taskID
                    return first != nil
                }
                try await eventually("its task is revoked") { try await client.status(of: first!)?.state == .revoked }
                try await beat.stop()
            }
        }
    }
}
