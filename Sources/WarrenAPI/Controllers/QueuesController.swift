import Foundation
import Hummingbird
import Warren

/// `/v1/queues`: pause and resume queues.
struct QueuesController: Sendable {
    let client: WarrenClient

    func add(to router: Router<some RequestContext>) {
        router.post("/v1/queues/:name/pause") { _, context in
            let queue = context.parameters.get("name") ?? ""
            let since = try await client.pause(queue: queue)
            return try APIServer.json(
                .ok, ["queue": .string(queue), "paused": true, "paused_at": .string(ISO8601Timestamp.format(since))])
        }
        router.post("/v1/queues/:name/resume") { _, context in
            let queue = context.parameters.get("name") ?? ""
            try await client.resume(queue: queue)
            return try APIServer.json(.ok, ["queue": .string(queue), "paused": false, "paused_at": .null])
        }
    }
}
