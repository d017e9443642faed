import Foundation
import Warren
import WarrenAMQP

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
        let (refused, longest, pending) = try await underBrokerFault(
            &row, queue: queue("alarm"), pause: .milliseconds(200)
        ) {
            await shell(["rabbitmqctl", "-n", node, "set_vm_memory_high_watermark", "0.0000001"])
            try await Task.sleep(for: .seconds(15))
            await shell(["rabbitmqctl", "-n", node, "set_vm_memory_high_watermark", "0.4"])
        }
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
