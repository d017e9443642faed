import Testing

@testable import WarrenSMTP

@Suite struct SMTPEndpointTests {
    @Test func aURLNamesTheServerItsCredentialsAndItsOptions() throws {
        let plain = try SMTPEndpoint(url: "smtp://mail.example.com")
        #expect(plain.description == "mail.example.com:25")
        #expect(!plain.implicitTLS && plain.user == nil && plain.password == nil)
        #expect(plain.timeout == .seconds(30) && plain.certificateAuthorities == nil)
        #expect(plain.deliveryLimit == .seconds(300))

        let secure = try SMTPEndpoint(url: "smtps://ada%40example.com:p%3Ass@[::1]?ca=/etc/ca.pem&timeout=5")
        #expect(secure.implicitTLS && secure.host == "::1" && secure.port == 465)
        #expect(secure.description == "[::1]:465")
        #expect(secure.user == "ada@example.com" && secure.password == "p:ss")
        #expect(secure.certificateAuthorities == "/etc/ca.pem" && secure.timeout == .seconds(5))
        #expect(try SMTPEndpoint(url: "SMTP://h:587").port == 587)
    }

    @Test func aBadURLIsAPermanentErrorThatSaysWhatIsWrongAndNeverThePassword() {
        for (url, reason) in [
            ("http://mail.example.com", "the scheme must be smtp or smtps"),
            ("smtp://", "the host is missing"),
            ("smtp://h:70000", "the port must be a number from 1 to 65535"),
            ("smtp://h/inbox", "an SMTP URL has no path"),
            ("smtp://:hunter2@h", "a password needs a user"),
            ("smtp://u:hunter2@h?timeout=0", "timeout must be a whole number of seconds from 1 to 3600"),
            ("smtp://u:hunter2@h?tls=yes", #"unknown option "tls" (known: ca, timeout)"#),
            ("smtp://a b", "expected smtp://host:port or smtps://host:port"),
        ] {
            do {
                _ = try SMTPEndpoint(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(error.isPermanent)
                #expect(error.description == "the SMTP URL is not valid: \(reason)")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }
}
