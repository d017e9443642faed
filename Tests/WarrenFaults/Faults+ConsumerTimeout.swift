import Foundation
import Warren
import WarrenPostgres
import WarrenTesting

extension Faults {
    /// A broker whose `consumer_timeout` is 4 s, and a worker whose prefetch buffer holds more than
    /// it runs in 4 s: 24 tasks of 1.5 s on two slots, eight deliveries held at a time. A delivery
    /// that waited 2 s for a slot goes back to the queue instead of starting, so the broker never
    /// times one out (which closes the channel and redelivers the running tasks, until healthy tasks
    /// end as poison).
    func consumerTimeout() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "consumer-timeout")
        guard let node = environment["RABBITMQ_NODENAME"] else {
            row.notes.append("skipped: needs the local RabbitMQ of scripts/faults")
            return row
        }
        // Read by each channel as it opens, so the worker below gets them. A channel checks its
        // deliveries against the timeout every channel_tick_interval (a minute by default).
        func configure(timeout: Int, tick: Int) async {
            await shell([
                "rabbitmqctl", "-n", node, "eval", "application:set_env(rabbit, consumer_timeout, \(timeout)).",
            ])
            await shell([
                "rabbitmqctl", "-n", node, "eval", "application:set_env(rabbit, channel_tick_interval, \(tick)).",
            ])
        }
        // The broker logs each delivery it timed out, and then closes its channel.
        let log = environment["RABBITMQ_LOG_BASE"].map { "\($0)/\(node).log" }
        func timeouts() -> Int {
            guard let log, let text = try? String(contentsOfFile: log, encoding: .utf8) else { return 0 }
            return text.components(separatedBy: "has timed out waiting for delivery acknowledgement").count - 1
        }
        let timeoutsBefore = timeouts()
        await configure(timeout: 4_000, tick: 500)
        let queue = queue("held")
        var ids: [UUID] = []
        do {
            let workers = try await startWorkers(1, queue: queue, concurrency: 2, consumerTimeout: 4)
            ids = try await submitLedgerTasks(24, queue: queue, milliseconds: 1_500, batch: 24).accepted
            try await waitUntilFinished(ids, timeout: .seconds(120))
            for worker in workers { worker.stop() }
        } catch {
            await configure(timeout: 1_800_000, tick: 60_000)
            throw error
        }
        await configure(timeout: 1_800_000, tick: 60_000)
        try await ledger(&row, ids)
        if row.failed > 0 { row.problems.append("\(row.failed) healthy tasks failed") }
        let timedOut = timeouts() - timeoutsBefore
        if timedOut > 0 { row.problems.append("the broker timed out \(timedOut) deliveries and closed their channels") }
        if log == nil { row.problems.append("RABBITMQ_LOG_BASE is not set: cannot read the broker's log") }
        let restarts: Int = try await query(
            "SELECT count(*) AS n FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'STARTED'"
        ).first!.decode("n")
        row.notes.append("consumer_timeout 4 s: \(restarts) starts for \(ids.count) tasks")
        return row
    }
}
