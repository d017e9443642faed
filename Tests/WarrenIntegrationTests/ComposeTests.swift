import Foundation
import Testing
import WarrenTesting
import Yams

/// compose/ cannot run here (no Docker engine), so check that it says what the scripts do.
@Suite struct ComposeTests {
    @Test func composeDeclaresTheStackWithWarrensVariables() throws {
        let path = URL(fileURLWithPath: TestEnvironment.migrationsDirectory).deletingLastPathComponent()
            .appendingPathComponent("compose/compose.yaml").path
        let document = try #require(
            try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        let services = try #require(document["services"] as? [String: Any])
        #expect(Set(services.keys) == ["rabbitmq", "postgres", "migrate", "api", "worker", "beat", "prometheus"])
        for name in ["migrate", "api", "worker", "beat"] {
            let service = try #require(services[name] as? [String: Any])
            let environment = try #require(service["environment"] as? [String: Any], "\(name) has no environment")
            #expect(environment["WARREN_AMQP_URL"] as? String == "amqp://warren:warren@rabbitmq:5672/%2f")
            #expect(environment["WARREN_DATABASE_URL"] as? String == "postgresql://warren:warren@postgres:5432/warren")
        }
        let api = try #require(services["api"] as? [String: Any])
        #expect((api["command"] as? [String]) == ["api"])
        #expect((api["environment"] as? [String: Any])?["WARREN_HTTP_HOST"] as? String == "0.0.0.0")
        // Beyond loopback the API refuses to start without a key, and compose starts none without one.
        let keys = (api["environment"] as? [String: Any])?["WARREN_API_KEYS"] as? String
        #expect(keys?.hasPrefix("${WARREN_API_KEYS:?") == true)
        #expect(
            (services["worker"] as? [String: Any])?["command"] as? [String] == [
                "worker", "--concurrency", "8", "--metrics-port", "9464", "--metrics-host", "0.0.0.0",
            ])
        #expect((services["migrate"] as? [String: Any])?["command"] as? [String] == ["migrate"])
        #expect((services["beat"] as? [String: Any])?["command"] as? [String] == ["beat"])
        for name in ["rabbitmq", "postgres"] {
            #expect((services[name] as? [String: Any])?["healthcheck"] != nil, "\(name) has no health check")
        }
    }
}
