/// One reply of an SMTP server: a three-digit code and its lines of text (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// 250, 354, 451, 550…: the first digit says success (2), go on (3), try later (4) or never (5).
    public var code: Int
    /// The text of each line, without the code.
    public var lines: [String]

    /// The code and the text, on one line: `550 5.1.1 No such user`.
    public var description: String {
        lines.allSatisfy(\.isEmpty) ? "\(code)" : "\(code) \(lines.filter { !$0.isEmpty }.joined(separator: " "))"
    }
}

extension SMTPReply {
    /// The parameters of an extension an EHLO reply lists (`AUTH PLAIN LOGIN` gives
    /// `["PLAIN", "LOGIN"]`), or nil when it lists none of that name.
    func offers(_ keyword: String) -> [String]? {
        for line in lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            if words.first == keyword { return Array(words.dropFirst()) }
        }
        return nil
    }
}
