import Foundation
import Testing
import Warren
import WarrenAMQP
import WarrenPostgres
import WarrenTesting

/// The AMQP and PostgreSQL layers report each failure as a typed error a user can act on.
@Suite(.timeLimit(.minutes(1))) struct ClientErrorTests {
    @Test func amqpConnectionRefused() async throws {
        var endpoint = try Servers.endpoint()
        endpoint.port = 1
        await #expect {
            try await AMQPConnection.connect(to: endpoint)
        } throws: { error in
            (error as? AMQPError)?.code == .connectionRefused && "\(error)".contains("127.0.0.1:1")
        }
    }

    @Test func amqpAccessRefused() async throws {
        var endpoint = try Servers.endpoint()
        endpoint.password = "wrong-password"
        await #expect {
            try await AMQPConnection.connect(to: endpoint)
        } throws: { error in
            let error = error as? AMQPError
            return error?.code == .accessRefused && error?.replyCode == 403 && !"\(error!)".contains("wrong-password")
        }
    }

    @Test func amqpChannelClosedCarriesReplyCodeAndText() async throws {
        let connection = try await AMQPConnection.connect(to: Servers.endpoint())
        let missing = "no-such-queue-\(UUID().uuidString.prefix(8))"
        await #expect {
            try await connection.declareQueue(missing, passive: true)
        } throws: { error in
            let error = error as? AMQPError
            return error?.code == .channelClosed && error?.replyCode == 404 && error?.text.contains("NOT_FOUND") == true
        }
        // The connection is unusable afterwards, and says so instead of hanging.
        #expect(connection.isOpen == false)
        await #expect(throws: AMQPError.self) { try await connection.declareQueue("anything") }
    }

    @Test func amqpConfirmsManyPublishesAndReportsTheDepth() async throws {
        let connection = try await AMQPConnection.connect(to: Servers.endpoint())
        let queue = TestEnvironment.uniqueQueue("raw")
        try await connection.declareQueue(queue)
        let message = AMQPOutgoingMessage(
            exchange: "", routingKey: queue, properties: AMQPProperties(), body: Array("m".utf8))
        try await connection.publish(Array(repeating: message, count: 1_000))
        #expect(try await connection.declareQueue(queue, passive: true).messageCount == 1_000)
        let first = try #require(try await connection.get(queue: queue))
        #expect(first.body == Array("m".utf8))
        #expect(first.properties.persistent)
        try await connection.deleteQueue(queue)
        await connection.close()
    }

    @Test func postgresErrorsCarrySQLState() async throws {
        let configuration = try await Servers.configuration()
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
        let id = UUID()
        _ = try await pool.query(
            "INSERT INTO warren.tasks (id, task, queue, state) VALUES ($1, 'noop', 'errors', 'SUCCESS')", [id])
        await #expect {
            try await pool.query(
                "INSERT INTO warren.tasks (id, task, queue, state) VALUES ($1, 'noop', 'errors', 'SUCCESS')", [id])
        } throws: { error in
            (error as? PostgresError)?.isUniqueViolation == true
        }
        await #expect {
            try await pool.query("SELECT no_such_column FROM warren.tasks")
        } throws: { error in
            (error as? PostgresError)?.sqlState == "42703"
        }
        // A failed statement does not poison the pooled connection.
        #expect(try await pool.query("SELECT $1::int + 1 AS n", [41]).first?.decode("n", as: Int.self) == 42)
        await pool.close()
    }

    @Test func postgresConnectionFailureNamesTheProblem() async throws {
        await #expect {
            try await PostgresConnection.connect(
                uri: "postgresql://postgres:hunter2@127.0.0.1:1/warren?connect_timeout=2")
        } throws: { error in
            (error as? PostgresError)?.code == .connectionFailed && !"\(error)".contains("hunter2")
        }
    }
}
