extension Faults {
    /// RabbitMQ stopped for 4 s while tasks are submitted and consumed.
    func rabbitmqRestart() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "rabbitmq-restart")
        guard let node = environment["RABBITMQ_NODENAME"] else {
            row.notes.append("skipped: needs the local RabbitMQ of scripts/faults")
            return row
        }
        let (refused, _, pending) = try await underBrokerFault(
            &row, queue: queue("rabbit"), pause: .milliseconds(150)
        ) {
            await shell(["rabbitmqctl", "-n", node, "stop_app"])
            try await Task.sleep(for: .seconds(4))
            await shell(["rabbitmqctl", "-n", node, "start_app"])
        }
        row.notes.append(
            "broker down 4 s: \(pending) tasks accepted as PENDING and relayed; \(refused) submissions refused")
        return row
    }
}
