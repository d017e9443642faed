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
    /// A worker on a separate host (a network namespace) whose link is cut for 20 s while tasks are
    /// submitted and consumed, beside a worker on this host. RabbitMQ gives the messages it held to
    /// the other worker once its heartbeats stop; whatever it finishes late is fenced out.
    func partition() async throws -> Ledger.Row {
        var row = Ledger.Row(scenario: "partition")
        let endpoint = try AMQPEndpoint(url: configuration.amqpURL)
        let local = "127.0.0.1"
        guard endpoint.host == local, configuration.databaseURL.contains("@\(local):"),
            let databasePort = configuration.databaseURL.split(separator: ":").last?.split(separator: "/").first
                .flatMap({ Int($0) })
        else {
            row.notes.append("skipped: needs the local servers of scripts/faults")
            return row
        }
        guard getuid() == 0, let host = await NamespaceHost.create() else {
            row.notes.append("skipped: needs root and iproute2 to make a network namespace")
            return row
        }
        var proxies: [TCPProxy] = []
        var workers: [SupervisedWorker] = []
        func tearDown() async {
            for worker in workers { worker.stop() }
            for proxy in proxies { proxy.stop() }
            await host.remove()
        }
        let ids: [UUID]
        let refused: Int
        let cutAt: Date
        let restoredAt: Date
        do {
            let brokerProxy = try TCPProxy(address: host.gateway, upstreamPort: endpoint.port)
            proxies.append(brokerProxy)
            let databaseProxy = try TCPProxy(address: host.gateway, upstreamPort: databasePort)
            proxies.append(databaseProxy)
            // Heartbeats every 5 s: the broker notices the silent link after about 10 s.
            let amqpURL = configuration.amqpURL.replacingOccurrences(
                of: "\(local):\(endpoint.port)", with: "\(host.gateway):\(brokerProxy.port)")
            let remoteEnvironment = [
                "WARREN_AMQP_URL": amqpURL + (amqpURL.contains("?") ? "&" : "?") + "heartbeat=5",
                "WARREN_DATABASE_URL": configuration.databaseURL.replacingOccurrences(
                    of: "\(local):\(databasePort)", with: "\(host.gateway):\(databaseProxy.port)"),
            ]
            let queue = queue("partition")
            let remote = SupervisedWorker(
                queue: queue, concurrency: 16, name: "remote", namespace: host.name, environment: remoteEnvironment)
            workers.append(remote)
            remote.start()
            workers += try await startWorkers(1, queue: queue)
            try await TestEnvironment.waitForConsumers(
                2, on: queue, amqpURL: configuration.amqpURL, timeout: .seconds(60))
            async let submitted = submitLedgerTasks(1_500, queue: queue, milliseconds: 200, pause: .milliseconds(900))
            try await Task.sleep(for: .seconds(3))
            await host.cut()
            cutAt = Date()
            try await Task.sleep(for: .seconds(20))
            await host.restore()
            restoredAt = Date()
            (ids, refused, _) = try await submitted
            try await waitUntilFinished(ids, timeout: .seconds(120))
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
        let restarts = workers[0].starts - 1
        try await ledger(&row, ids)
        let remoteRuns = try await query(
            """
            SELECT count(*) FILTER (WHERE at < to_timestamp(\(cutAt)::float8)) AS before,
                count(*) FILTER (WHERE at > to_timestamp(\(restoredAt)::float8)) AS after
            FROM warren.task_events WHERE task_id = ANY(\(ids)::uuid[]) AND state = 'SUCCESS' AND worker LIKE 'remote:%'
            """
        ).first!
        let before: Int = try remoteRuns.decode("before")
        let after: Int = try remoteRuns.decode("after")
        if before == 0 { row.problems.append("the namespaced worker ran nothing before the cut") }
        if after == 0 { row.problems.append("the namespaced worker ran nothing after its link came back") }
        if refused > 0 { row.problems.append("\(refused) submissions refused") }
        row.notes.append(
            "link of the namespaced worker cut for 20 s: it ran \(before) tasks before the cut and \(after) after; \(restarts) restarts"
        )
        return row
    }
}
