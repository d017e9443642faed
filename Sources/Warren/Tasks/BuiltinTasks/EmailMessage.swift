import Foundation

/// An email as `send_email` sends it, in RFC 5322 form: ASCII only, every line ending in CRLF and
/// at most 998 bytes long, so that any SMTP server takes it. A subject outside printable ASCII (or
/// longer than a line) is written as MIME encoded words (RFC 2047), and a body outside ASCII (or
/// with a longer line) as base64.
struct EmailMessage {
    /// The whole message, headers and body.
    var bytes: [UInt8]

    init(messageID: String, date: Date, from: String, to: String, subject: String, body: String) {
        let lines = Self.lines(of: body)
        let plain = lines.allSatisfy { $0.utf8.count <= 998 && Self.isPlainText($0) }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let message = [
            "Message-ID: \(messageID)",
            "Date: \(Self.rfc5322(date))",
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedHeader(subject))",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(plain ? "7bit" : "base64")",
            "",
            plain
                ? text
                : Data(text.utf8).base64EncodedString(options: [
                    .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
                ]) + "\r\n",
        ].joined(separator: "\r\n")
        bytes = Array(message.utf8)
    }

    /// The mailbox in a header value: `ada@example.com` in `Ada Lovelace <ada@example.com>`.
    static func envelopeAddress(_ value: String) -> String {
        guard let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else {
            return value.trimmingCharacters(in: .whitespaces)
        }
        return String(value[value.index(after: open)..<close])
    }

    /// Text split at each line break: CRLF, LF or a lone CR.
    private static func lines(of text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private static func isPlainText(_ line: String) -> Bool {
        line.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }
    }

    /// A header value as is when it is printable ASCII of a reasonable length; otherwise encoded
    /// words of at most 39 bytes of UTF-8 each, folded onto lines of their own: with `Subject: `
    /// before it the first line is 73 characters, within RFC 2047's 76.
    private static func encodedHeader(_ value: String) -> String {
        if value.utf8.count <= 900, isPlainText(value) { return value }
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Thu, 03 Dec 2026 14:26:13 +0000`.
    private static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
