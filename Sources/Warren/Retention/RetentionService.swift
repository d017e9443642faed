public import Logging
public import ServiceLifecycle

/// Applies a ``HistoryRetention`` continuously: `warren api` runs one. Every `interval` it runs a
/// pass unless another process is running one. A pass goes on from where the last one ended, so it
/// reads only the tasks that have grown old enough since; once a day it starts from the oldest
/// again, for tasks that finished long after they were submitted.
public struct RetentionService: Service {
    private let retention: HistoryRetention
    private let interval: Duration
    private let logger: Logger

    public init(retention: HistoryRetention, interval: Duration = .seconds(60), logger: Logger) {
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var position: RetentionPosition? = nil
        var walkStarted = ContinuousClock.now
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if ContinuousClock.now - walkStarted > .seconds(86_400) {
                position = nil
                walkStarted = .now
            }
            do {
                position = try await cancelWhenGracefulShutdown { [position] in
                    try await retention.passIfFree(from: position)
                }
                if failing { logger.notice("retention resumed") }
                failing = false
            } catch is CancellationError {
                return
            } catch {
                if !failing {
                    logger.warning("retention cannot run; retrying", metadata: [LoggingKey.error: "\(error)"])
                }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
