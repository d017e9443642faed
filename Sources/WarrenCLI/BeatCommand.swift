import ArgumentParser
import Logging
import ServiceLifecycle
import UnixSignals
import Warren

struct BeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beat",
        abstract: "Fire the periodic schedules in warren.schedules.",
        discussion: """
            Runs until SIGTERM or SIGINT. Any number of beats may run, on any hosts: one at a time leads
            (a PostgreSQL advisory lock) and fires; the others stand by and one takes over within a few
            seconds of the leader's death. Each slot fires once, however many beats run.

              warren beat
              WARREN_LOG_FORMAT=json warren beat
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let configuration = try connection.configuration()
        WarrenLogging.bootstrap(configuration)
        let logger = Logger(label: "warren.beat")
        let group = ServiceGroup(
            configuration: .init(
                services: [Beat(configuration: configuration, logger: logger)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
