import Foundation
import Logging
import Testing
import Warren
import WarrenPostgres
import WarrenTesting

/// The tasks the `warren` executable ships, doing their real work.
@Suite(.timeLimit(.minutes(1))) struct BuiltinTaskTests {
    /// A context whose database is never opened, for tasks that do not read it.
    func context(_ name: String, database: PostgresPool = PostgresPool(uri: "postgresql://unused")) -> TaskContext {
        TaskContext(id: UUID(), name: name, queue: "test", attempt: 1, logger: Servers.logger, database: database)
    }

    @Test func sendEmailDropsAnRFC5322Message() async throws {
        let directory = NSTemporaryDirectory() + "warren-mail-\(UUID().uuidString.prefix(8))"
        let task = SendEmail(mailDirectory: directory)
        let context = context(SendEmail.name)
        let result = try await task.run(
            .init(to: "ada@example.com", subject: "Hello", body: "Hi Ada!\nSee you."), context: context)
        #expect(result.path == "\(directory)/\(context.id.uuidString.lowercased()).eml")
        let message = try String(contentsOfFile: result.path, encoding: .utf8)
        #expect(message.contains("To: ada@example.com\r\n"))
        #expect(message.contains("Subject: Hello\r\n"))
        #expect(message.contains("Message-ID: \(result.messageID)\r\n"))
        #expect(message.hasSuffix("\r\n\r\nHi Ada!\r\nSee you.\r\n"))
        // A second attempt of the same task replaces its message instead of sending another.
        _ = try await task.run(.init(to: "ada@example.com", subject: "Hello", body: "again"), context: context)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory) == [
                "\(context.id.uuidString.lowercased()).eml"
            ])
    }

    @Test func twoCopiesOfOneEmailTaskNeverShareATemporaryFile() async throws {
        let directory = NSTemporaryDirectory() + "warren-mail-\(UUID().uuidString.prefix(8))"
        let task = SendEmail(mailDirectory: directory)
        let context = context(SendEmail.name)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for copy in 0..<8 {
                group.addTask {
                    _ = try await task.run(
                        .init(to: "ada@example.com", subject: "\(copy)", body: "b"), context: context)
                }
            }
            try await group.waitForAll()
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory) == [
                "\(context.id.uuidString.lowercased()).eml"
            ])
    }

    @Test func aMailDropThatCannotBeWrittenIsARetryableErrorThatSaysWhy() async throws {
        let file = NSTemporaryDirectory() + "warren-not-a-directory-\(UUID().uuidString.prefix(8))"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let task = SendEmail(mailDirectory: "\(file)/mail")
        do {
            _ = try await task.run(
                .init(to: "ada@example.com", subject: "s", body: "b"), context: context(SendEmail.name))
            Issue.record("expected the write to fail")
        } catch {
            #expect(error is any RetryableError)
            #expect("\(error)" == "could not create the mail directory \(file)/mail: Not a directory")
        }
    }

    @Test func anUnwritableMailDropIsRetriedAsThePolicySays() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("mail")
            let file = NSTemporaryDirectory() + "warren-not-a-directory-\(UUID().uuidString.prefix(8))"
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            var registry = TaskRegistry()
            registry.register(SendEmail(mailDirectory: "\(file)/mail"))
            try await withWorker(queues: [queue], registry: registry, configuration: configuration) {
                let client = try await servers.client(configuration)
                let handle = try await client.enqueue(
                    SendEmail.self, .init(to: "ada@example.com", subject: "s", body: "b"), queue: queue,
                    retry: try .fixed(1, maxRetries: 2))
                await #expect(throws: TaskError.self) { try await handle.result(timeout: .seconds(20)) }
                let record = try #require(try await client.status(of: handle.id))
                #expect(record.state == .failure)
                #expect(record.attempts == 3)
                #expect(record.error?["reason"] == "retries_exhausted")
                #expect(
                    record.error?["message"]
                        == .string("could not create the mail directory \(file)/mail: Not a directory"))
            }
        }
    }

    @Test func sendEmailRefusesHeaderInjection() async throws {
        let task = SendEmail(mailDirectory: NSTemporaryDirectory())
        await #expect(throws: EmailError.self) {
            try await task.run(
                .init(to: "a@b.c\r\nBcc: everyone@example.com", subject: "s", body: "b"), context: context("send_email")
            )
        }
        await #expect(throws: EmailError.self) {
            try await task.run(.init(to: "not-an-address", subject: "s", body: "b"), context: context("send_email"))
        }
    }

    @Test func sleepWaitsAndRefusesWaitsOutOfRange() async throws {
        let start = ContinuousClock.now
        _ = try await Sleep().run(.init(milliseconds: 30), context: context(Sleep.name))
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        for milliseconds in [-1, Sleep.maximumMilliseconds + 1] {
            await #expect(throws: TaskError.self) {
                try await Sleep().run(.init(milliseconds: milliseconds), context: context(Sleep.name))
            }
        }
    }

    @Test func generateReportCountsTheHistory() async throws {
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let client = try await servers.client(configuration)
            let queue = TestEnvironment.uniqueQueue()
            try await withWorker(queues: [queue], configuration: configuration) {
                _ = try await client.enqueue(TestTasks.Echo.self, .init(value: 1), queue: queue).result()
                await #expect(throws: TaskError.self) {
                    try await client.enqueue(TestTasks.Fail.self, .init(message: "x"), queue: queue).result()
                }
            }
            let database = await servers.pool(uri: configuration.databaseURL, maximumConnections: 1)
            let report = try await GenerateReport()
                .run(.init(hours: 1, task: "test.fail"), context: context(GenerateReport.name, database: database))
            #expect(report.hours == 1)
            let row = try #require(report.rows.first)
            #expect(report.rows.count == 1)
            #expect(row.task == "test.fail")
            #expect(row.failed >= 1 && row.succeeded == 0 && row.total >= row.failed)
            #expect(row.meanMilliseconds != nil)
            // A revoked task counts as revoked, not as unfinished.
            let later = try await client.enqueue(
                TestTasks.Flaky.self, .init(failures: 0), queue: queue, countdown: .seconds(600))
            _ = try await client.revoke(later.id)
            let flaky = try #require(
                try await GenerateReport()
                    .run(.init(hours: 1, task: "test.flaky"), context: context(GenerateReport.name, database: database))
                    .rows.first)
            #expect(flaky.revoked >= 1)
            #expect(flaky.total == flaky.succeeded + flaky.failed + flaky.revoked + flaky.unfinished)
            await #expect(throws: ReportError.self) {
                try await GenerateReport().run(.init(hours: 0), context: context("r", database: database))
            }
        }
    }
}
