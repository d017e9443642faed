import Foundation
public import Warren
import WarrenAMQP

/// The servers `scripts/test` started, from the environment.
public enum TestEnvironment {
    /// The configuration for tests: `WARREN_AMQP_URL` and `WARREN_DATABASE_URL` must be set
    /// (scripts/test sets them); without them the tests fail rather than skip.
    public static func configuration() throws -> Configuration {
        let environment = ProcessInfo.processInfo.environment
        for name in ["WARREN_AMQP_URL", "WARREN_DATABASE_URL"] where environment[name]?.isEmpty ?? true {
            throw WarrenError(
                .invalidConfiguration, "\(name) is not set: run the tests with scripts/test, which starts the servers")
        }
        var configuration = try Configuration(environment: environment)
        configuration.mailDirectory = NSTemporaryDirectory() + "warren-mail-\(UUID().uuidString.prefix(8))"
        configuration.smtpURL = nil
        return configuration
    }

    /// Waits until `queue` exists and has at least `count` consumers.
    /// - Throws: ``WarrenError`` `timeout` when `timeout` passes first.
    public static func waitForConsumers(
        _ count: Int = 1, on queue: String, amqpURL: String, timeout: Duration = .seconds(15)
    ) async throws {
        let endpoint = try AMQPEndpoint(url: amqpURL)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let connection = try? await AMQPConnection.connect(to: endpoint, name: "test-probe") {
                let info = try? await connection.declareQueue(queue, passive: true)
                await connection.close()
                if let info, info.consumerCount >= count { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WarrenError(.timeout, "\(count) consumers did not appear on \(queue)")
    }

    /// A queue name no other test uses.
    public static func uniqueQueue(_ prefix: String = "test") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The repository's `migrations/` directory.
    public static var migrationsDirectory: String { repositoryFile("migrations") }

    /// A path in the repository, found from this source file.
    public static func repositoryFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }
}
