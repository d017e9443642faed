extension Configuration {
    /// Settings given on a command line, each overriding its environment variable when set.
    public struct Overrides: Sendable, Equatable {
        public var amqpURL: String?
        public var databaseURL: String?
        public var httpHost: String?
        public var httpPort: Int?
        public var logLevel: LogLevel?

        public init(
            amqpURL: String? = nil, databaseURL: String? = nil, httpHost: String? = nil, httpPort: Int? = nil,
            logLevel: LogLevel? = nil
        ) {
            self.amqpURL = amqpURL
            self.databaseURL = databaseURL
            self.httpHost = httpHost
            self.httpPort = httpPort
            self.logLevel = logLevel
        }
    }

    /// This configuration with every override that is set in place of its value: the one place
    /// where flags win over the environment.
    public func merging(_ overrides: Overrides) -> Configuration {
        var merged = self
        merged.amqpURL = overrides.amqpURL ?? amqpURL
        merged.databaseURL = overrides.databaseURL ?? databaseURL
        merged.httpHost = overrides.httpHost ?? httpHost
        merged.httpPort = overrides.httpPort ?? httpPort
        merged.logLevel = overrides.logLevel ?? logLevel
        return merged
    }
}
