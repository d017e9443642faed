import Foundation
import Testing

@testable import Warren
@testable import WarrenAMQP

@Suite struct TaskMessagesTests {
    static let created = Date(timeIntervalSince1970: 1_700_000_000)

    func task(eta: Date? = nil) -> NewTask {
        NewTask(
            id: UUID(uuidString: "018A8238-0000-7000-8000-000000000001")!, task: "send_email", queue: "emails",
            args: ["to": "ada@example.com"], priority: 3, idempotencyKey: nil, createdAt: Self.created, eta: eta,
            retry: nil)
    }

    /// A delivery as a foreign producer and the broker may leave it: properties Warren keeps,
    /// properties it must not publish again, and headers of the producer's, the broker's and Warren's.
    func delivery(routingKey: String = "emails") -> AMQPDelivery {
        AMQPDelivery(
            deliveryTag: 9, redelivered: false, exchange: Topology.taskExchange, routingKey: routingKey,
            consumerTag: "c",
            properties: AMQPProperties(
                contentType: "application/json", contentEncoding: "utf-8",
                headers: [
                    "traceparent": .string("00-abc-def-01"), TaskMessages.Header.version: .int(1),
                    "x-death": .string("from the delay queues"), "x-delivery-count": .int(2),
                    TaskMessages.Header.turn: .int(1_700_000_123_456), TaskMessages.Header.reason: .string("stale"),
                ],
                persistent: false, priority: 3, correlationID: "corr", replyTo: "replies", expiration: "60000",
                messageID: "018a8238-0000-7000-8000-000000000001", timestamp: 1_700_000_000, type: "send_email",
                userID: "alice", appID: "billing"),
            body: Array(#"{"id":"x"}"#.utf8))
    }

    @Test func aSubmissionGoesToItsQueueAsAPersistentWarrenMessage() throws {
        let message = try TaskMessages.submission(task(), now: Self.created)
        #expect(message.exchange == Topology.taskExchange)
        #expect(message.routingKey == "emails")
        #expect(message.properties.persistent)
        #expect(message.properties.messageID == "018a8238-0000-7000-8000-000000000001")
        #expect(message.properties.priority == 3)
        #expect(message.properties.type == "send_email")
        #expect(message.properties.appID == "warren")
        #expect(message.properties.timestamp == 1_700_000_000)
        #expect(message.properties.headers == [TaskMessages.Header.version: .int(Int64(TaskEnvelope.version))])
        let envelope = try TaskEnvelope(decoding: message.body)
        #expect(envelope.id == task().id && envelope.queue == "emails" && envelope.args == ["to": "ada@example.com"])
    }

    @Test func aSubmissionDueLaterEntersTheDelayQueues() throws {
        let message = try TaskMessages.submission(task(eta: Self.created.addingTimeInterval(5)), now: Self.created)
        #expect(message.exchange == DelayRoute.entryExchange)
        #expect(message.routingKey == (try DelayRoute(seconds: 5, queue: "emails")).routingKey)
        let past = try TaskMessages.submission(task(eta: Self.created.addingTimeInterval(-5)), now: Self.created)
        #expect(past.exchange == Topology.taskExchange && past.routingKey == "emails")
        #expect(throws: WarrenError.self) {
            try TaskMessages.submission(task(eta: Self.created.addingTimeInterval(1e9)), now: Self.created)
        }
    }

    @Test func republishingKeepsOnlyTheAllowListAndNoBrokerOrWarrenHeaders() {
        let kept = TaskMessages.republished(delivery().properties)
        #expect(
            kept
                == AMQPProperties(
                    contentType: "application/json", contentEncoding: "utf-8",
                    headers: ["traceparent": .string("00-abc-def-01"), TaskMessages.Header.version: .int(1)],
                    persistent: true, priority: 3, correlationID: "corr", replyTo: "replies",
                    messageID: "018a8238-0000-7000-8000-000000000001", timestamp: 1_700_000_000, type: "send_email",
                    appID: "billing"))
    }

    @Test func aRetryCarriesTheNextEnvelopeThroughTheDelayQueues() throws {
        var next = try TaskEnvelope(decoding: try TaskMessages.submission(task()).body)
        next.eta = Self.created.addingTimeInterval(30)
        let message = TaskMessages.retry(of: delivery(), next: next, afterSeconds: 30)
        #expect(message.exchange == DelayRoute.entryExchange)
        #expect(message.routingKey == DelayRoute(clamping: 30, queue: "emails").routingKey)
        #expect(try TaskEnvelope(decoding: message.body) == next)
        #expect(message.properties == TaskMessages.republished(delivery().properties))
    }

    @Test func aDelayKeepsTheBodyAndCarriesATurnOnlyWhenGivenOne() {
        let plain = TaskMessages.delay(delivery(), seconds: 4, queue: "emails")
        #expect(plain.body == delivery().body)
        #expect(plain.routingKey == DelayRoute(clamping: 4, queue: "emails").routingKey)
        #expect(plain.properties.headers[TaskMessages.Header.turn] == nil)
        let turn = Date(timeIntervalSince1970: 1_700_000_200.25)
        let waiting = TaskMessages.delay(delivery(), seconds: 4, queue: "emails", turn: turn)
        #expect(waiting.properties.headers[TaskMessages.Header.turn] == .int(1_700_000_200_250))
        var back = delivery()
        back.properties = waiting.properties
        #expect(TaskMessages.turn(of: back) == turn)
        #expect(
            TaskMessages.turn(
                of: AMQPDelivery(
                    deliveryTag: 1, redelivered: false, exchange: "", routingKey: "emails", consumerTag: "",
                    properties: AMQPProperties(), body: [])) == nil)
    }

    @Test func aDeadLetterSaysWhyInItsHeadersAndKeepsTheBody() {
        var error = TaskError(type: "SMTPError", message: String(repeating: "x", count: 2_000))
        error.reason = .retriesExhausted
        let at = Date(timeIntervalSince1970: 1_700_000_300)
        let key = UUID()
        let letter = TaskMessages.deadLetter(delivery(), queue: "emails", error: error, attempts: 3, key: key, at: at)
        #expect(letter.exchange == Topology.deadLetterExchange)
        #expect(letter.routingKey == "emails")
        #expect(letter.body == delivery().body)
        let headers = letter.properties.headers
        #expect(headers[TaskMessages.Header.reason] == .string("retries_exhausted"))
        #expect(headers[TaskMessages.Header.error]?.stringValue?.count == TaskMessages.maximumErrorLength)
        #expect(headers[TaskMessages.Header.attempts] == .int(3))
        #expect(headers[TaskMessages.Header.originalQueue] == .string("emails"))
        #expect(headers[TaskMessages.Header.deadLetteredAt] == .timestamp(1_700_000_300))
        #expect(headers[TaskMessages.Header.deadLetterKey] == .string(key.uuidString.lowercased()))
        #expect(headers[TaskMessages.Header.turn] == nil && headers["x-death"] == nil)
        #expect(headers["traceparent"] == .string("00-abc-def-01"))
        let unstarted = TaskMessages.deadLetter(
            delivery(), queue: "emails", error: .invalidMessage("not JSON"), attempts: nil, key: UUID(), at: at)
        #expect(unstarted.properties.headers[TaskMessages.Header.attempts] == nil)
        #expect(unstarted.properties.headers[TaskMessages.Header.reason] == .string("invalid_message"))
    }
}
