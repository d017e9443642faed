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

extension Faults {
    /// RabbitMQ stopped for 4 s while tasks are submitted and consumed.
    func rabbitmqRestart() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "rabbitmq-restart")
        guard let node = environment["RABBITMQ_NODENAME"] else {
            row.notes.append("skipped: needs the local RabbitMQ of scripts/faults")
            return row
        }
        let queue = queue("rabbit")
        let workers = try await startWorkers(2, queue: queue)
        let relayClient = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        let relay = ServiceGroup(
            configuration: .init(services: [OutboxRelay(client: relayClient, logger: logger)], logger: logger))
        let relaying = Task { try await relay.run() }
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: .milliseconds(150))
        try await Task.sleep(for: .seconds(1))
        await shell(["rabbitmqctl", "-n", node, "stop_app"])
        try await Task.sleep(for: .seconds(4))
        await shell(["rabbitmqctl", "-n", node, "start_app"])
        let (ids, refused, _) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        await relay.triggerGracefulShutdown()
        _ = try? await relaying.value
        await relayClient.shutdown()
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let pending: Int = try await query(
            "SELECT count(DISTINCT task_id) AS n FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'PENDING'"
        ).first!.decode("n")
        row.notes.append(
            "broker down 4 s: \(pending) tasks accepted as PENDING and relayed; \(refused) submissions refused")
        return row
    }
}
