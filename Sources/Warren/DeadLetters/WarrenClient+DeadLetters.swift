import Foundation
import WarrenAMQP
public import WarrenCore

extension WarrenClient {
    /// A page of dead letters, newest first, with the messages waiting now in the dead-letter queue
    /// of the queue filtered on, or of every queue Warren knows; pass the page's
    /// ``DeadLetterPage/nextCursor`` in `query.cursor` for the next.
    public func deadLetters(matching query: DeadLetterQuery) async throws -> DeadLetterPage {
        try await reportingServers {
            let (letters, next) = try await store.deadLetters(matching: query)
            var queues = [String]()
            if let queue = query.queue { queues = [queue] } else { queues = try await store.knownQueues() }
            var waiting: [(queue: String, messages: Int?)] = []
            for queue in queues {
                waiting.append((queue, try await inspector.inspect(Topology.deadLetterQueue(of: queue))?.messageCount))
            }
            return DeadLetterPage(deadLetters: letters, nextCursor: next, waiting: waiting)
        }
    }

    /// One dead letter with the message's body, or nil for an unknown id.
    public func deadLetter(_ id: Int) async throws -> DeadLetter? {
        try await reportingServers { try await store.deadLetter(id) }
    }
}
