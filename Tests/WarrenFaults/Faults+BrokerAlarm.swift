import Foundation
import Logging
import ServiceLifecycle
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

extension Faults {
    /// RabbitMQ under a memory alarm for 15 s (it blocks every publisher and confirms nothing)
    /// while tasks are submitted and consumed. Submissions wait at most the confirm timeout and
    /// are then accepted as PENDING; the relay publishes them once the alarm clears.
    func brokerAlarm() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "broker-alarm")
        guard let node = environment["RABBITMQ_NODENAME"] else {
            row.notes.append("skipped: needs the local RabbitMQ of scripts/faults")
            return row
        }
        let queue = queue("alarm")
        let workers = try await startWorkers(2, queue: queue)
        let relayClient = try WarrenClient(configuration: configuration, maximumConnections: 2, logger: logger)
        let relay = ServiceGroup(
            configuration: .init(services: [OutboxRelay(client: relayClient, logger: logger)], logger: logger))
        let relaying = Task { try await relay.run() }
        async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 5, pause: .milliseconds(200))
        try await Task.sleep(for: .seconds(1))
        await shell(["rabbitmqctl", "-n", node, "set_vm_memory_high_watermark", "0.0000001"])
        try await Task.sleep(for: .seconds(15))
        await shell(["rabbitmqctl", "-n", node, "set_vm_memory_high_watermark", "0.4"])
        let (ids, refused, longest) = try await submitted
        try await waitUntilFinished(ids, timeout: .seconds(120))
        await relay.triggerGracefulShutdown()
        _ = try? await relaying.value
        await relayClient.shutdown()
        for worker in workers { worker.stop() }
        try await ledger(&row, ids)
        let pending: Int = try await query(
            "SELECT count(DISTINCT task_id) AS n FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'PENDING'"
        ).first!.decode("n")
        // The bound docs/guarantees.md gives: the confirm timeout, then the PENDING rows' commit.
        let bound = try AMQPEndpoint(url: configuration.amqpURL).confirmTimeout + .seconds(2)
        if longest > bound {
            row.problems.append("a submission waited \(longest), over the bound of \(bound)")
        }
        row.notes.append(
            "alarm 15 s: \(pending) tasks accepted as PENDING and relayed; longest submission \(String(format: "%.1f", longest.seconds)) s; \(refused) submissions refused"
        )
        return row
    }
}
