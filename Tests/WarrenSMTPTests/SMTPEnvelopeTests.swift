import Testing

@testable import WarrenSMTP

/// What the client sends besides commands: the message as DATA carries it, and the addresses
/// MAIL and RCPT may carry.
@Suite struct SMTPEnvelopeTests {
    @Test func dataEndsEveryLineInCRLFAndDoublesALeadingDot() {
        func stuffed(_ text: String) -> String {
            String(decoding: SMTPClient.dotStuffed(Array(text.utf8)), as: UTF8.self)
        }
        #expect(stuffed("Subject: s\r\n\r\n.hidden\n.\r\nlast") == "Subject: s\r\n\r\n..hidden\r\n..\r\nlast\r\n.\r\n")
        #expect(stuffed("a\r\n") == "a\r\n.\r\n")
        // A lone CR is a line break too: "\r.\r" must not reach a server as an end of DATA.
        #expect(stuffed("a\r.\rb\r") == "a\r\n..\r\nb\r\n.\r\n")
        #expect(stuffed("") == ".\r\n")
    }

    @Test func anEnvelopeAddressIsPrintableASCIIThatCannotEndItsCommand() {
        #expect(SMTPClient.isEnvelopeAddress("ada@example.com"))
        for address in ["ada", "ada@example.com>\r\nRCPT TO:<x@y", "a da@example.com", "zoë@example.com", "<a@b>"] {
            #expect(!SMTPClient.isEnvelopeAddress(address), "\(address)")
        }
    }
}
