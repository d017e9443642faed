import Foundation
import Hummingbird
import Warren

/// `/v1/queues`: the queues at a glance; pause and resume them.
struct QueuesController: Sendable {
    let client: WarrenClient

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/queues") { _, _ in try APIServer.json(.ok, try await client.queues().document) }
        router.post("/v1/queues/:name/pause") { _, context in
            let queue = Self.queueName(context)
            let since = try await client.pause(queue: queue)
            return try APIServer.json(.ok, QueueSummary.pauseDocument(of: queue, pausedAt: since))
        }
        router.post("/v1/queues/:name/resume") { _, context in
            let queue = Self.queueName(context)
            try await client.resume(queue: queue)
            return try APIServer.json(.ok, QueueSummary.pauseDocument(of: queue, pausedAt: nil))
        }
    }

    /// The `{name}` of the path, percent-decoded: a name may hold `:`, which a client may send
    /// encoded.
    static func queueName(_ context: APIRequestContext) -> String {
        let raw = context.parameters.get("name") ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
