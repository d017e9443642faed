import Testing
import WarrenAMQP

@Suite struct AMQPEndpointTests {
    @Test func parsesEveryPart() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://alice:s%40cret@broker.example:5673/prod%2Fjobs?heartbeat=10")
        #expect(endpoint.host == "broker.example")
        #expect(endpoint.port == 5673)
        #expect(endpoint.user == "alice")
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.virtualHost == "prod/jobs")
        #expect(endpoint.heartbeat == 10)
        #expect(!endpoint.tls)
    }

    @Test func appliesDefaults() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://")
        #expect(endpoint.host == "localhost")
        #expect(endpoint.port == 5672)
        #expect(endpoint.user == "guest")
        #expect(endpoint.password == "guest")
        #expect(endpoint.virtualHost == "/")
        #expect(try AMQPEndpoint(url: "amqps://h").port == 5671)
        #expect(try AMQPEndpoint(url: "amqps://h").tls)
        #expect(try AMQPEndpoint(url: "amqp://h/%2f").virtualHost == "/")
        #expect(endpoint.confirmTimeout == .seconds(10))
    }

    @Test func readsTimeoutsInMilliseconds() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://h?connection_timeout=3000&confirm_timeout=2500")
        #expect(endpoint.connectionTimeout == 3)
        #expect(endpoint.confirmTimeout == .milliseconds(2500))
    }

    @Test func readsIPv6Hosts() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://u:p@[::1]:5999/v")
        #expect(endpoint.host == "::1")
        #expect(endpoint.port == 5999)
        #expect(endpoint.virtualHost == "v")
    }

    @Test(arguments: [
        "http://host", "amqp//host", "amqp://host:notaport", "amqp://host:70000", "amqp://u:p@host/%zz",
        "amqp://host?heartbeat=-1", "amqp://host?confirm_timeout=0", "amqp://host?confirm_timeout=soon",
    ])
    func rejectsInvalidURLs(_ url: String) {
        #expect(throws: AMQPError.self) { try AMQPEndpoint(url: url) }
    }

    @Test func redactsThePassword() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://alice:topsecret@h:1/v")
        #expect(endpoint.redacted == "amqp://alice:***@h:1/v")
        #expect(!endpoint.redacted.contains("topsecret"))
    }

    @Test func invalidURLErrorsNeverShowThePassword() {
        do {
            _ = try AMQPEndpoint(url: "amqp://alice:topsecret@h:port/v")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
