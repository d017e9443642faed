import Foundation
import WarrenAMQP
public import WarrenCore

extension WarrenClient {
    /// Replays the selected dead letters: each one's task goes back to its queue (PENDING, then
    /// QUEUED once the broker confirmed its message) with a REPLAYED event, and its retry policy's
    /// attempts start again; the dead letters' messages are removed from `<queue>.dead`. A task is
    /// replayed only from FAILURE, so running the same replay twice replays each task once; a dead
    /// letter whose task succeeded since, or whose message could not be read, is left as it is and
    /// its result says why.
    ///
    /// Work goes in batches of ``Listing/maximumLimit`` dead letters, one transaction each, whose
    /// tasks are published before the next; `progress` hears how many dead letters were done, of
    /// how many (as counted at the start). Should the broker fail midway, the tasks of the
    /// batches done are published by the relay of `warren api` within 30 seconds.
    public func replay(
        _ selection: DeadLetterSelection, progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> DeadLetterReport {
        try await resolve(selection, by: .replay, progress: progress)
    }

    /// Purges the selected dead letters: each is marked purged, with a PURGED event on its task,
    /// which stays FAILURE, and its message is removed from `<queue>.dead`. Nothing else changes.
    public func purge(
        _ selection: DeadLetterSelection, progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> DeadLetterReport {
        try await resolve(selection, by: .purge, progress: progress)
    }

    /// How many dead letters the selection names now: its ids, or the waiting ones that match.
    public func count(_ selection: DeadLetterSelection) async throws -> Int {
        switch selection {
        case .ids(let ids): Set(ids).count
        case .matching(let query): try await reportingServers { try await store.countDeadLetters(matching: query) }
        }
    }

    private func resolve(
        _ selection: DeadLetterSelection, by action: TaskStore.DeadLetterAction,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void
    ) async throws -> DeadLetterReport {
        let total = try await count(selection)
        return try await reportingServers {
            var report = DeadLetterReport()
            func resolveBatch(_ ids: [Int]) async throws {
                let (results, replayed) = try await store.resolveDeadLetters(ids, by: action)
                _ = try await relay(replayed)
                report.results += results
                progress(report.results.count, total)
            }
            switch selection {
            case .ids(let ids):
                // At most 1,000 ids, each resolved once however often it is named.
                try await resolveBatch(ids)
            case .matching(var query):
                // Newest first, from a cursor: what this walk resolves never moves what it has yet to meet.
                while true {
                    let (page, next) = try await store.deadLetters(matching: query)
                    if !page.isEmpty { try await resolveBatch(page.map(\.id)) }
                    guard let next else { break }
                    query.cursor = next
                }
            }
            let swept = Set(report.results.filter { [.replayed, .purged].contains($0.outcome) }.compactMap(\.queue))
            for queue in swept.sorted() {
                let deadQueue = Topology.deadLetterQueue(of: queue)
                report.removedMessages.append((deadQueue, try await removeResolvedMessages(from: deadQueue)))
            }
            return report
        }
    }

    /// Removes from a dead-letter queue the messages of dead letters that were replayed or purged,
    /// and returns how many it removed.
    ///
    /// RabbitMQ cannot take a message out of the middle of a queue, so this walks it with
    /// `basic.get` on a connection of its own, holding each message (unacked) as it goes: those
    /// resolved are acked, the others are given back in their places once the walk is done, or by
    /// the broker should the connection drop. The walk takes as many messages as the queue held
    /// when it began; messages another walk holds meanwhile are not met, and the next replay or
    /// purge of the queue removes them.
    func removeResolvedMessages(from deadQueue: String) async throws -> Int {
        try await AMQPConnection.withConnection(to: endpoint, name: "warren-dead-letters") { connection in
            let waiting: Int
            do {
                waiting = try await connection.declareQueue(deadQueue, passive: true).messageCount
            } catch let error as AMQPError where error.replyCode == 404 {
                return 0
            }
            var kept: [UInt64] = []
            var removed = 0
            var met = 0
            while met < waiting {
                var batch: [AMQPDelivery] = []
                while batch.count < Listing.maximumLimit, met < waiting,
                    let delivery = try await connection.get(queue: deadQueue)
                {
                    batch.append(delivery)
                    met += 1
                }
                if batch.isEmpty { break }
                let keys = batch.map(TaskMessages.deadLetterKey)
                let taskIDs = batch.map { $0.properties.messageID.flatMap(UUID.init(uuidString:)) }
                let resolved = try await store.resolvedDeadLetterMessages(
                    keys: keys.compactMap { $0 }, keylessTaskIDs: zip(keys, taskIDs).compactMap { $0 == nil ? $1 : nil }
                )
                for (index, delivery) in batch.enumerated() {
                    let isResolved =
                        if let key = keys[index] {
                            resolved.keys.contains(key)
                        } else {
                            taskIDs[index].map(resolved.keylessTaskIDs.contains) ?? false
                        }
                    if isResolved {
                        try await connection.ack(delivery.deliveryTag)
                        removed += 1
                    } else {
                        kept.append(delivery.deliveryTag)
                    }
                }
            }
            for tag in kept { try await connection.nack(tag, requeue: true) }
            return removed
        }
    }
}
