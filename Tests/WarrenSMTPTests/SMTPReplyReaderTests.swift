import Testing

@testable import WarrenSMTP

@Suite struct SMTPReplyReaderTests {
    func read(_ lines: [String]) throws(SMTPReplyReader.Malformed) -> SMTPReply? {
        var reader = SMTPReplyReader()
        for line in lines {
            if let reply = try reader.read(Array(line.utf8)) { return reply }
        }
        return nil
    }

    @Test func aReplyEndsAtItsFirstLineWithoutADash() throws {
        let hello = try #require(
            try read(["250-mail.example.com", "250-STARTTLS", "250-auth plain LOGIN", "250 8BITMIME"]))
        #expect(hello.code == 250 && hello.lines.count == 4)
        #expect(hello.offers("STARTTLS") == [])
        #expect(hello.offers("AUTH") == ["PLAIN", "LOGIN"])
        #expect(hello.offers("SIZE") == nil)
        #expect(try read(["221"]) == SMTPReply(code: 221, lines: [""]))
        #expect(try read(["250-more to come"]) == nil)
    }

    @Test func aReplyReadsAsOneLine() {
        #expect(SMTPReply(code: 550, lines: ["5.1.1 no such", "user"]).description == "550 5.1.1 no such user")
        #expect(SMTPReply(code: 221, lines: [""]).description == "221")
    }

    @Test func whatIsNotAReplyIsRefusedAndShown() {
        for (lines, problem) in [
            (["HTTP/1.1 400 Bad Request"], #"a line that is not an SMTP reply: "HTTP/1.1 400 Bad Request""#),
            (["25"], #"a line that is not an SMTP reply: "25""#),
            (["250x"], #"a line that is not an SMTP reply: "250x""#),
            (["250-first", "550 second"], "a reply whose lines carry different codes (250, then 550)"),
            (Array(repeating: "250-again", count: 1_001), "a reply of over 1000 lines"),
        ] {
            #expect(throws: SMTPReplyReader.Malformed.self) { try read(lines) }
            do {
                _ = try read(lines)
            } catch {
                #expect(error.problem == problem)
            }
        }
    }
}
