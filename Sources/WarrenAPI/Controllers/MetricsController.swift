import Foundation
import Hummingbird
import Metrics
import Synchronization
import Warren
import WarrenMetrics

/// `GET /metrics`: everything the process records, in Prometheus' text format, with the queues'
/// gauges (ready tasks, dead letters, oldest wait, limit) and the connections' state set first, at
/// most once a second however often it is scraped. The queues' figures are those of
/// `GET /v1/queues`: RabbitMQ, its management API and `warren.queue_stats`, never `warren.tasks`.
final class MetricsController: Sendable {
    let client: WarrenClient
    let key: String?
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)

    init(client: WarrenClient, key: String?) {
        self.client = client
        self.key = key
    }

    func add(to router: Router<APIRequestContext>) {
        router.get("/metrics") { [self] request, _ in
            try MetricsResponse.checkKey(request, key: key)
            await refreshGauges()
            return MetricsResponse.response(PrometheusExport.text())
        }
    }

    private func refreshGauges() async {
        let now = ContinuousClock.now
        let due = lastRefresh.withLock { last in
            guard last.map({ now - $0 >= .seconds(1) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let (broker, database) = await client.reachability()
        TaskMetrics.connection("rabbitmq", up: broker)
        TaskMetrics.connection("postgresql", up: database)
        guard let overview = try? await client.queues() else { return }
        for queue in overview.queues {
            let labels = [("queue", queue.queue)]
            func set(_ name: String, _ value: Double?) {
                if let value { Gauge(label: name, dimensions: labels).record(value) }
            }
            set(TaskMetrics.Name.queueDepth, queue.ready.map(Double.init))
            set(TaskMetrics.Name.deadLetterDepth, queue.deadLetters.map(Double.init))
            set(TaskMetrics.Name.oldestWaiting, queue.oldestWaitingSeconds)
            set(TaskMetrics.Name.maximumWaiting, queue.maximumWaiting.map(Double.init))
        }
    }
}
