import Foundation
import Testing
import WarrenSMTP
import WarrenTesting

/// Deliveries to the real SMTP server scripts/test starts (scripts/smtp-server).
@Suite(.timeLimit(.minutes(1))) struct SMTPClientTests {
    let server: TestSMTPServer

    init() throws {
        server = try TestSMTPServer()
    }

    /// A message whose Message-ID names a fresh id, to find it on the server.
    func message(_ id: UUID, body: String = "Hi Ada!") -> [UInt8] {
        Array("Message-ID: <\(id.uuidString.lowercased())@test>\r\nSubject: s\r\n\r\n\(body)\r\n".utf8)
    }

    func send(_ url: String, id: UUID = UUID(), to recipient: String = "ada@example.com") async throws -> SMTPReply {
        try await SMTPClient(endpoint: SMTPEndpoint(url: url))
            .send(message(id), from: "warren@example.com", to: [recipient])
    }

    /// The error sending to `url` threw.
    func failure(_ url: String, to recipient: String = "ada@example.com") async throws -> SMTPError {
        do {
            _ = try await send(url, to: recipient)
        } catch let error as SMTPError {
            return error
        }
        throw TestFailure("\(url) accepted the message for \(recipient)")
    }

    @Test func aMessageIsDeliveredOverPlainSMTPWithItsEnvelopeAndItsDotsIntact() async throws {
        let id = UUID()
        let reply = try await SMTPClient(endpoint: SMTPEndpoint(url: server.url(.plain)))
            .send(message(id, body: ".hidden\r\n.\r\nend"), from: "warren@example.com", to: ["ada@example.com"])
        #expect(reply.code == 250)
        let received = try server.message(id: id)
        #expect(received.listener == "plain" && !received.tls && received.login == nil)
        #expect(received.mailFrom == "warren@example.com" && received.rcptTos == ["ada@example.com"])
        #expect(received.data.hasSuffix("\r\n\r\n.hidden\r\n.\r\nend\r\n"))
        // EHLO names a domain, or the connection's address as a literal: never a bare host name.
        #expect(received.extended)
        #expect(received.hello == "[127.0.0.1]" || received.hello.contains("."))
    }

    @Test func aServerThatDoesNotKnowEHLOIsGreetedWithHELO() async throws {
        let id = UUID()
        _ = try await send(server.url(.helo), id: id)
        let received = try server.message(id: id)
        #expect(received.listener == "helo" && !received.extended)
    }

    @Test func startTLSIsUsedWhenOfferedAndTheUserLogsInUnderIt() async throws {
        let anonymous = UUID()
        _ = try await send(server.url(.starttls), id: anonymous)
        let first = try server.message(id: anonymous)
        #expect(first.tls && first.login == nil)

        let authenticated = UUID()
        _ = try await send(server.url(.starttls, authenticated: true), id: authenticated)
        let second = try server.message(id: authenticated)
        #expect(second.tls && second.login == TestSMTPServer.user)
    }

    /// The smtps listener offers AUTH LOGIN only.
    @Test func smtpsSpeaksTLSFromTheFirstByte() async throws {
        let id = UUID()
        _ = try await send(server.url(.smtps, authenticated: true), id: id)
        let received = try server.message(id: id)
        #expect(received.listener == "smtps" && received.tls && received.login == TestSMTPServer.user)
    }

    @Test func aRefusedConnectionIsRetryableAndNamesTheServer() async throws {
        let port = try TCPProxy.closedPort()
        let error = try await failure("smtp://127.0.0.1:\(port)")
        #expect(!error.isPermanent && error.code == nil)
        #expect(error.description == "could not connect to 127.0.0.1:\(port): Connection refused")
    }

    @Test func a5xxReplyIsPermanentAndA4xxOneIsNot() async throws {
        let url = server.url(.plain)
        let refused = try await failure(url, to: "refuse@example.com")
        #expect(refused.isPermanent && refused.code == 550)
        #expect(
            refused.description
                == "\(server.server(.plain)) refused RCPT TO:<refuse@example.com>: 550 5.1.1 <refuse@example.com>: "
                + "Recipient address rejected: User unknown")
        let later = try await failure(url, to: "later@example.com")
        #expect(!later.isPermanent && later.code == 451)
    }

    @Test func aServerThatDoesNotAnswerInTimeIsRetryable() async throws {
        let error = try await failure(server.url(.plain, query: "timeout=1"), to: "slow@example.com")
        #expect(!error.isPermanent)
        #expect(error.description.hasSuffix("answer to RCPT TO:<slow@example.com>: no answer within 1 s"))
    }

    @Test func aServerThatAnswersALineAtATimeIsGivenUpAtTheDeliveryLimit() async throws {
        let start = ContinuousClock.now
        let error = try await failure(server.url(.plain, query: "timeout=1"), to: "drip@example.com")
        #expect(!error.isPermanent)
        #expect(error.description == "the delivery to \(server.server(.plain)) did not finish within 10 s")
        #expect(ContinuousClock.now - start >= .seconds(10))
    }

    @Test func anUntrustedCertificateIsRefusedAndSaysWhy() async throws {
        let error = try await failure(server.url(.smtps, trusted: false))
        #expect(!error.isPermanent)
        #expect(error.description.contains("the TLS handshake with 127.0.0.1:"))
        #expect(error.description.hasSuffix("its certificate is refused (self-signed certificate)"))
    }

    @Test func wrongCredentialsArePermanentAndAPasswordIsNeverSentInTheClear() async throws {
        for (listener, command) in [
            (TestSMTPServer.Listener.starttls, "AUTH PLAIN for user warren"),
            (.smtps, "AUTH LOGIN's password for user warren"),
        ] {
            let url = server.url(listener, authenticated: true).replacingOccurrences(of: "secret", with: "wrong")
            let refused = try await failure(url)
            #expect(refused.isPermanent && refused.code == 535)
            #expect(refused.description.contains("\(server.server(listener)) refused \(command): 535"))
            #expect(!refused.description.contains("wrong"))
        }

        let clear = try await failure(server.url(.plain, authenticated: true))
        #expect(clear.isPermanent)
        #expect(clear.description.hasSuffix("offers no STARTTLS, and Warren sends a password only over TLS"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
