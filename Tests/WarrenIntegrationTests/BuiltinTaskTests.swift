import Foundation
import Logging
import Testing
import Warren
import WarrenPostgres
import WarrenSMTP
import WarrenTesting

/// The tasks the `warren` executable ships, doing their real work.
@Suite(.timeLimit(.minutes(1))) struct BuiltinTaskTests {
    /// A context whose database is never opened, for tasks that do not read it.
    func context(_ name: String, database: PostgresPool = PostgresPool(uri: "postgresql://unused")) -> TaskContext {
        TaskContext(id: UUID(), name: name, queue: "test", attempt: 1, logger: Servers.logger, database: database)
    }

    @Test func sendEmailDropsAnRFC5322Message() async throws {
        let directory = NSTemporaryDirectory() + "warren-mail-\(UUID().uuidString.prefix(8))"
        let task = SendEmail(delivery: .mailDrop(directory: directory))
        let context = context(SendEmail.name)
        let result = try await task.run(
            .init(to: "ada@example.com", subject: "Hello", body: "Hi Ada!\nSee you."), context: context)
        #expect(result.path == "\(directory)/\(context.id.uuidString.lowercased()).eml")
        let message = try String(contentsOfFile: try #require(result.path), encoding: .utf8)
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
        let task = SendEmail(delivery: .mailDrop(directory: directory))
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
        let task = SendEmail(delivery: .mailDrop(directory: "\(file)/mail"))
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
            registry.register(SendEmail(delivery: .mailDrop(directory: "\(file)/mail")))
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

    @Test func sendEmailDeliversOverSMTPWithSTARTTLSAndEncodesWhatIsNotASCII() async throws {
        let smtp = try TestSMTPServer()
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let queue = TestEnvironment.uniqueQueue("mail")
            var registry = TaskRegistry()
            registry.register(
                SendEmail(delivery: .smtp(try SMTPEndpoint(url: smtp.url(.starttls, authenticated: true)))))
            try await withWorker(queues: [queue], registry: registry, configuration: configuration) {
                let client = try await servers.client(configuration)
                let handle = try await client.enqueue(
                    SendEmail.self,
                    .init(
                        to: "Ada <ada@example.com>", subject: "Grüße aus Zürich", body: "Hallo Zoë,\nbis bald.",
                        from: "Warren <warren@example.com>"),
                    queue: queue)
                let result = try await handle.result(timeout: .seconds(20))
                #expect(result.messageID == "<\(handle.id.uuidString.lowercased())@warren>")
                #expect(result.path == nil && result.server == smtp.server(.starttls))
                #expect(result.reply?.hasPrefix("250 2.0.0 Ok: queued as") == true)
                let message = try smtp.message(id: handle.id)
                #expect(message.tls && message.login == TestSMTPServer.user)
                #expect(message.mailFrom == "warren@example.com" && message.rcptTos == ["ada@example.com"])
                #expect(message.data.contains("\r\nTo: Ada <ada@example.com>\r\n"))
                #expect(
                    message.data.contains(
                        "\r\nSubject: =?UTF-8?B?\(Data("Grüße aus Zürich".utf8).base64EncodedString())?=\r\n"))
                #expect(message.data.contains("\r\nContent-Transfer-Encoding: base64\r\n"))
                #expect(
                    message.data.range(
                        of: #"\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000\r\n"#,
                        options: .regularExpression) != nil)
                let body = try #require(message.data.components(separatedBy: "\r\n\r\n").last)
                let decoded = try #require(Data(base64Encoded: body, options: .ignoreUnknownCharacters))
                #expect(String(decoding: decoded, as: UTF8.self) == "Hallo Zoë,\r\nbis bald.\r\n")
            }
        }
    }

    @Test func aRefusedSMTPConnectionIsRetriedAndA550IsNot() async throws {
        let smtp = try TestSMTPServer()
        try await withServers { servers in
            let configuration = try await Servers.configuration()
            let closed = try TCPProxy.closedPort()
            let unreachable = TestEnvironment.uniqueQueue("mail")
            let refusing = TestEnvironment.uniqueQueue("mail")
            var unreachableTasks = TaskRegistry()
            unreachableTasks.register(SendEmail(delivery: .smtp(try SMTPEndpoint(url: "smtp://127.0.0.1:\(closed)"))))
            var refusingTasks = TaskRegistry()
            refusingTasks.register(SendEmail(delivery: .smtp(try SMTPEndpoint(url: smtp.url(.plain)))))
            try await withWorker(queues: [unreachable], registry: unreachableTasks, configuration: configuration) {
                try await withWorker(queues: [refusing], registry: refusingTasks, configuration: configuration) {
                    let client = try await servers.client(configuration)
                    let retried = try await client.enqueue(
                        SendEmail.self, .init(to: "ada@example.com", subject: "s", body: "b"), queue: unreachable,
                        retry: try .fixed(0.2, maxRetries: 1))
                    let refused = try await client.enqueue(
                        SendEmail.self, .init(to: "refuse@example.com", subject: "s", body: "b"), queue: refusing,
                        retry: try .fixed(0.2, maxRetries: 2))
                    for handle in [retried, refused] {
                        await #expect(throws: TaskError.self) { try await handle.result(timeout: .seconds(20)) }
                    }
                    let retriedRecord = try #require(try await client.status(of: retried.id))
                    #expect(retriedRecord.state == .failure && retriedRecord.attempts == 2)
                    #expect(retriedRecord.error?["reason"] == "retries_exhausted")
                    #expect(
                        retriedRecord.error?["message"]
                            == .string("could not connect to 127.0.0.1:\(closed): Connection refused"))
                    let refusedRecord = try #require(try await client.status(of: refused.id))
                    #expect(refusedRecord.state == .failure && refusedRecord.attempts == 1)
                    #expect(refusedRecord.error?["reason"] == "not_retryable")
                    #expect(
                        refusedRecord.error?["message"]
                            == .string(
                                "\(smtp.server(.plain)) refused RCPT TO:<refuse@example.com>: 550 5.1.1 "
                                    + "<refuse@example.com>: Recipient address rejected: User unknown"))
                    #expect(try smtp.messages(id: refused.id).isEmpty)
                }
            }
        }
    }

    @Test func sendEmailRefusesHeaderInjection() async throws {
        let task = SendEmail(delivery: .mailDrop(directory: NSTemporaryDirectory()))
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
