/// Assembles one reply from the lines a server sends: `250-first`, `250-second`, `250 last`
/// (RFC 5321 §4.2). Every line carries the same three digits; a space, or nothing, after them
/// ends the reply.
struct SMTPReplyReader {
    /// What is wrong with a line, to complete "the server answered … with".
    struct Malformed: Error {
        var problem: String
    }

    /// More would be a server that never ends its reply.
    static let maximumLines = 1_000

    private var code: Int?
    private var lines: [String] = []

    /// Takes the next line, without its line break: the reply when the line ends it, nil when
    /// more lines follow.
    mutating func read(_ line: [UInt8]) throws(Malformed) -> SMTPReply? {
        guard line.count >= 3, line.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            let shown = String(decoding: line.prefix(80), as: UTF8.self).debugDescription
            throw Malformed(problem: "a line that is not an SMTP reply: \(shown)")
        }
        let lineCode = Int(String(decoding: line.prefix(3), as: UTF8.self))!
        guard lineCode == code ?? lineCode else {
            throw Malformed(problem: "a reply whose lines carry different codes (\(code ?? 0), then \(lineCode))")
        }
        guard lines.count < Self.maximumLines else {
            throw Malformed(problem: "a reply of over \(Self.maximumLines) lines")
        }
        code = lineCode
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard line.count == 3 || line[3] == UInt8(ascii: " ") else { return nil }
        return SMTPReply(code: lineCode, lines: lines)
    }
}
