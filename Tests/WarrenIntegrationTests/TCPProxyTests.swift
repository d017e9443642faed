import Foundation
import Testing
import WarrenAMQP
import WarrenTesting

/// The proxy the fault tests cut links with touches only its own links.
@Suite(.timeLimit(.minutes(1))) struct TCPProxyTests {
    /// A link that ended by itself has closed descriptors whose numbers the next sockets of this
    /// process reuse: cutting the proxy later must not shut those sockets down.
    @Test func cuttingTheProxyLeavesSocketsThatReusedAnEndedLinksDescriptors() async throws {
        try await withServers { servers in
            let proxy = try await servers.proxyToRabbitMQ()
            var endpoint = try Servers.endpoint()
            endpoint.port = proxy.port
            let through = try await AMQPConnection.connect(to: endpoint)
            await through.close()
            // Both directions of the link see the end and close its descriptors.
            try await Task.sleep(for: .milliseconds(200))
            var direct: [AMQPConnection] = []
            for _ in 0..<4 { direct.append(try await servers.broker()) }
            proxy.cut()
            for connection in direct {
                try await connection.declare([.exchange("warren.tasks")])
                #expect(connection.isOpen)
            }
        }
    }
}
