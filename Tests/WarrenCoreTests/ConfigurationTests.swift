import Testing
import WarrenCore

@Suite struct ConfigurationTests {
    @Test func readsTheEnvironment() throws {
        let configuration = try Configuration(environment: [
            "WARREN_AMQP_URL": "amqp://a", "WARREN_DATABASE_URL": "postgresql://b", "WARREN_HTTP_PORT": "9000",
            "WARREN_API_KEYS": "k1, k2,", "WARREN_LOG_LEVEL": "debug", "WARREN_QUEUE_TYPE": "quorum",
        ])
        #expect(configuration.amqpURL == "amqp://a")
        #expect(configuration.databaseURL == "postgresql://b")
        #expect(configuration.httpPort == 9000)
        #expect(configuration.apiKeys == ["k1", "k2"])
        #expect(configuration.logLevel == .debug)
        #expect(configuration.queueType == .quorum)
    }

    @Test func readsRetentionByState() throws {
        let configuration = try Configuration(environment: [
            "WARREN_RETAIN_SUCCESS": "12h", "WARREN_RETAIN_FAILURE": "forever", "WARREN_MAX_RESULT_BYTES": "4096",
        ])
        #expect(configuration.retention == RetentionPolicy(success: 43_200, failure: nil, revoked: 30 * 86_400))
        #expect(configuration.retention.states == [.success, .revoked])
        #expect(configuration.maximumResultBytes == 4096)
    }

    @Test func keepsDefaultsForWhatIsUnset() throws {
        #expect(try Configuration(environment: [:]) == .defaults)
    }

    @Test func flagsThatAreSetWinOverTheEnvironment() throws {
        let environment = try Configuration(environment: [
            "WARREN_AMQP_URL": "amqp://env", "WARREN_DATABASE_URL": "postgresql://env", "WARREN_HTTP_HOST": "0.0.0.0",
            "WARREN_HTTP_PORT": "9000", "WARREN_LOG_LEVEL": "debug",
        ])
        let merged = environment.merging(
            Configuration.Overrides(amqpURL: "amqp://flag", httpPort: 7000, logLevel: .error))
        var expected = environment
        expected.amqpURL = "amqp://flag"
        expected.httpPort = 7000
        expected.logLevel = .error
        #expect(merged == expected)
        #expect(environment.merging(Configuration.Overrides()) == environment)
    }

    @Test(arguments: [
        ("WARREN_HTTP_PORT", "http"), ("WARREN_HTTP_PORT", "70000"), ("WARREN_LOG_LEVEL", "loud"),
        ("WARREN_QUEUE_TYPE", "stream"), ("WARREN_MAX_BODY_BYTES", "0"), ("WARREN_RETAIN_SUCCESS", "7 days"),
        ("WARREN_RETAIN_FAILURE", "-1d"), ("WARREN_MAX_RESULT_BYTES", "0"),
    ])
    func namesTheInvalidVariable(name: String, value: String) {
        do {
            _ = try Configuration(environment: [name: value])
            Issue.record("expected \(name)=\(value) to be rejected")
        } catch let error as WarrenError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(name))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct QueueLimitsTests {
    @Test func limitsAreOneNumberOrPerQueueOrBoth() throws {
        #expect(try QueueLimits(parsing: "10000") == QueueLimits(all: 10_000, byQueue: [:]))
        let mixed = try QueueLimits(parsing: "emails=1000, reports = 50,*=10000")
        #expect(mixed.limit(of: "emails") == 1000)
        #expect(mixed.limit(of: "reports") == 50)
        #expect(mixed.limit(of: "other") == 10_000)
        #expect(try QueueLimits(parsing: "emails=5").limit(of: "other") == nil)
        for bad in ["many", "emails=-1", "emails=", "bad queue=3"] {
            #expect(throws: WarrenError.self, "\(bad)") { try QueueLimits(parsing: bad) }
        }
        let configuration = try Configuration(environment: ["WARREN_MAX_WAITING": "emails=7"])
        #expect(configuration.maximumWaiting.limit(of: "emails") == 7)
    }
}
