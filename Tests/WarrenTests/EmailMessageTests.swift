import Foundation
import Testing

@testable import Warren

/// `send_email`'s message: RFC 5322 text that any SMTP server takes.
@Suite struct EmailMessageTests {
    func message(subject: String = "Hello", body: String) -> String {
        let message = EmailMessage(
            messageID: "<id@warren>", date: Date(timeIntervalSince1970: 1_796_256_000), from: "warren@example.com",
            to: "Ada <ada@example.com>", subject: subject, body: body)
        #expect(message.bytes.allSatisfy { $0 < 0x80 })
        return String(decoding: message.bytes, as: UTF8.self)
    }

    func lines(_ text: String) -> [Substring] { text.split(separator: "\r\n", omittingEmptySubsequences: false) }

    @Test func plainTextIsSentAsItIsWithEveryKindOfLineBreakMadeCRLF() {
        let text = message(body: "one\ntwo\r\nthree\rfour")
        #expect(text.contains("\r\nDate: Thu, 03 Dec 2026 00:00:00 +0000\r\n"))
        #expect(text.contains("\r\nContent-Transfer-Encoding: 7bit\r\n"))
        #expect(text.hasSuffix("\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains { $0 == "\r" || $0 == "\n" })
    }

    @Test func aBodyOutsideASCIIOrWithALongLineIsBase64() throws {
        for body in ["Grüße, Zoë", String(repeating: "x", count: 999)] {
            let text = message(body: body)
            #expect(text.contains("\r\nContent-Transfer-Encoding: base64\r\n"))
            let encoded = try #require(text.components(separatedBy: "\r\n\r\n").last)
            #expect(lines(encoded).allSatisfy { $0.count <= 76 })
            let decoded = try #require(Data(base64Encoded: encoded, options: .ignoreUnknownCharacters))
            #expect(String(decoding: decoded, as: UTF8.self) == body + "\r\n")
        }
    }

    @Test func aSubjectOutsideASCIIIsEncodedWordsOnLinesOfAt76Characters() throws {
        let subject = String(repeating: "Grüße aus Zürich, ", count: 12)
        let text = message(subject: subject, body: "b")
        let header = lines(text).drop { !$0.hasPrefix("Subject: ") }.prefix {
            $0.hasPrefix("Subject: ") || $0.hasPrefix(" ")
        }
        #expect(header.count > 1)
        #expect(header.allSatisfy { $0.count <= 76 })
        let words = header.map {
            $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces)
        }
        let decoded = try words.map { word in
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            return try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
        }
        #expect(String(decoding: decoded.reduce(Data(), +), as: UTF8.self) == subject)
    }

    @Test func theEnvelopeTakesTheMailboxOfAHeaderValue() {
        #expect(EmailMessage.envelopeAddress("Ada Lovelace <ada@example.com>") == "ada@example.com")
        #expect(EmailMessage.envelopeAddress(" ada@example.com ") == "ada@example.com")
    }
}
