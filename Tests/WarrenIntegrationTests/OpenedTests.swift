import Testing
import Warren
import WarrenAMQP
import WarrenPostgres

/// The fixture every integration suite opens its clients, pools and broker connections with.
@Suite(.timeLimit(.minutes(1))) struct OpenedTests {
    struct Thrown: Error {}

    actor Kept {
        var pool: PostgresPool?
        var broker: AMQPConnection?
        func keep(_ pool: PostgresPool, _ broker: AMQPConnection) {
            self.pool = pool
            self.broker = broker
        }
    }

    @Test func whatATestOpenedIsClosedWhenItThrows() async throws {
        let configuration = try await Servers.configuration()
        let kept = Kept()
        await #expect(throws: Thrown.self) {
            try await withServers { servers in
                let pool = await servers.pool(uri: configuration.databaseURL)
                _ = try await pool.query("SELECT 1")
                let broker = try await servers.broker()
                #expect(broker.isOpen)
                await kept.keep(pool, broker)
                throw Thrown()
            }
        }
        #expect(await kept.broker?.isOpen == false)
        await #expect(throws: PostgresError.self) { try await kept.pool?.query("SELECT 1") }
    }
}
