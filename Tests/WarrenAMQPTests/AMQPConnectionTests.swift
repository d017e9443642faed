import Foundation
import Testing
import WarrenAMQP

/// The AMQP client against the broker scripts/test started: it confirms what it publishes, and
/// reports each failure as a typed error a user can act on.
@Suite(.timeLimit(.minutes(1))) struct AMQPConnectionTests {
    @Test func amqpConnectionRefused() async throws {
        var endpoint = try TestBroker.endpoint()
        endpoint.port = 1
        await #expect {
            try await AMQPConnection.connect(to: endpoint)
        } throws: { error in
            (error as? AMQPError)?.code == .connectionRefused && "\(error)".contains("127.0.0.1:1")
        }
    }

    @Test func amqpAccessRefused() async throws {
        var endpoint = try TestBroker.endpoint()
        endpoint.password = "wrong-password"
        await #expect {
            try await AMQPConnection.connect(to: endpoint)
        } throws: { error in
            let error = error as? AMQPError
            return error?.code == .accessRefused && error?.replyCode == 403 && !"\(error!)".contains("wrong-password")
        }
    }

    @Test func amqpChannelClosedCarriesReplyCodeAndText() async throws {
        try await TestBroker.withConnection { connection in
            let missing = "no-such-queue-\(UUID().uuidString.prefix(8))"
            await #expect {
                try await connection.declareQueue(missing, passive: true)
            } throws: { error in
                let error = error as? AMQPError
                return error?.code == .channelClosed && error?.replyCode == 404
                    && error?.text.contains("NOT_FOUND") == true
            }
            // The connection is unusable afterwards, and says so instead of hanging.
            #expect(connection.isOpen == false)
            await #expect(throws: AMQPError.self) { try await connection.declareQueue("anything") }
        }
    }

    @Test func aDeclarationBatchIsDoneInOrderOrFailsAtItsFirstRefusal() async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let exchange = "raw-exchange-\(suffix)"
        let queue = "raw-\(suffix)"
        try await TestBroker.withConnection { connection in
            try await connection.declare([
                .exchange(exchange, type: "topic"),
                .queue(queue, arguments: ["x-max-priority": .int(3)]),
                .queueBinding(queue: queue, exchange: exchange, routingKey: "to.#"),
            ])
            // The binding was made after the exchange and the queue it names.
            try await connection.publish(
                AMQPOutgoingMessage(
                    exchange: exchange, routingKey: "to.raw", properties: AMQPProperties(), body: Array("m".utf8)))
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 1)
        }
        try await TestBroker.withConnection { connection in
            await #expect {
                try await connection.declare([
                    .exchange(exchange, type: "topic"),
                    .queue(queue, arguments: ["x-max-priority": .int(5)]),
                    .queueBinding(queue: queue, exchange: exchange, routingKey: "never.#"),
                ])
            } throws: { error in
                let error = error as? AMQPError
                return error?.code == .channelClosed && error?.replyCode == 406
                    && error?.text.contains("x-max-priority") == true
            }
            #expect(connection.isOpen == false)
        }
        try await TestBroker.withConnection { connection in
            try await connection.deleteQueue(queue)
        }
    }

    @Test func amqpConfirmsManyPublishesAndReportsTheDepth() async throws {
        try await TestBroker.withConnection { connection in
            let queue = "raw-\(UUID().uuidString.prefix(8).lowercased())"
            try await connection.declareQueue(queue)
            let message = AMQPOutgoingMessage(
                exchange: "", routingKey: queue, properties: AMQPProperties(), body: Array("m".utf8))
            try await connection.publish(Array(repeating: message, count: 1_000))
            #expect(try await connection.declareQueue(queue, passive: true).messageCount == 1_000)
            let first = try #require(try await connection.get(queue: queue))
            #expect(first.body == Array("m".utf8))
            #expect(first.properties.persistent)
            try await connection.deleteQueue(queue)
        }
    }
}
