// Warren's fault scenarios: real worker processes (WarrenTestWorker, restarted by a small
// supervisor as systemd would), the real RabbitMQ and PostgreSQL of scripts/faults, faults injected
// while tasks run, and a ledger check after each scenario: every task the client had accepted
// reached exactly one terminal state, and no task was recorded SUCCESS twice.
//
//   WarrenFaults [scenario …]      scenarios: sigkill poison runaway countdown rabbitmq-restart postgres-restart
//                                  broker-alarm consumer-timeout inputs partition beat
//
// Restart scenarios need the local servers scripts/faults starts (RABBITMQ_NODENAME, WARREN_PG_DATA);
// with servers of your own they are skipped, and so is the partition without root and `ip`.
// WARREN_FAULTS_LOG=<file> appends the workers' logs to a file. Exits 1 if any scenario fails its checks.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

#if canImport(Glibc)
    import Glibc
#endif

var logger = Logger(label: "warren.faults")
logger.logLevel = .critical
let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
    .migrate(try Migration.load(from: TestEnvironment.migrationsDirectory))
let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 2)
try await TestTasks.CountRun.prepare(pool)
try await TestTasks.Ledger.prepare(pool)
let faults = Faults(configuration: configuration, pool: pool, logger: logger)
let scenarios: [(String, () async throws -> Ledger.Row)] = [
    ("sigkill", faults.sigkill), ("poison", faults.poison), ("runaway", faults.runaway),
    ("countdown", faults.countdown), ("rabbitmq-restart", faults.rabbitmqRestart),
    ("postgres-restart", faults.postgresRestart), ("broker-alarm", faults.brokerAlarm),
    ("consumer-timeout", faults.consumerTimeout), ("inputs", faults.inputs), ("partition", faults.partition),
    ("beat", faults.beat),
]
let chosen = Set(CommandLine.arguments.dropFirst())
var ledger = Ledger()
for (name, scenario) in scenarios where chosen.isEmpty || chosen.contains(name) {
    FileHandle.standardError.write(Data("[faults] \(name)\n".utf8))
    let start = ContinuousClock.now
    var row: Ledger.Row
    do {
        row = try await scenario()
    } catch {
        row = Ledger.Row(scenario: name, problems: ["the scenario failed: \(error)"])
    }
    SupervisedWorker.stopAll()
    row.seconds = (ContinuousClock.now - start).seconds
    ledger.append(row)
}
await pool.close()
ledger.printTable()
exit(ledger.failures == 0 ? 0 : 1)
