/// A JSON number with every digit it was written with: `9007199254740993` stays that, where a
/// `Double` would make it `9007199254740992`.
///
/// The number is kept as canonical decimal text, so that two spellings of one value are equal
/// (`1.50`, `1.5` and `15e-1` are all `1.5`, and `1.0` is `1`): integers are written out in full
/// up to ``maximumIntegerDigits`` digits, fractions with a decimal point, and only numbers beyond
/// those with an exponent. Integers are read with ``integer(in:)``, which is exact and never traps.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The canonical text, as written in JSON.
    public let text: String
    /// The nearest `Double`, for arithmetic.
    public let doubleValue: Double
    /// True when the value has no fractional part (JSON Schema's "integer").
    public let isInteger: Bool

    /// The longest integer written out without an exponent.
    public static let maximumIntegerDigits = 40

    public init(_ value: Int) {
        text = String(value)
        doubleValue = Double(value)
        isInteger = true
    }

    /// The number a `Double` holds, or nil for infinity and NaN, which JSON has no way to write.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.init(validText: Array(value.description.utf8))
    }

    /// Reads JSON number text (RFC 8259 grammar), or nil when it is not one or is beyond the range
    /// of a `Double`.
    public init?(text: some Collection<UInt8>) {
        let bytes = Array(text)
        guard Self.isValid(bytes) else { return nil }
        self.init(validText: bytes)
    }

    /// - Precondition: `bytes` follow the JSON number grammar.
    init?(validText bytes: [UInt8]) {
        let (negative, digits, exponent) = Self.decompose(bytes)
        let text = Self.canonical(negative: negative, digits: digits, exponent: exponent)
        guard let double = Double(text), double.isFinite else { return nil }
        self.text = text
        self.doubleValue = double
        self.isInteger = exponent >= 0
    }

    /// The value as an `Int` when it is an integer within `range`, else nil.
    public func integer(in range: ClosedRange<Int>) -> Int? {
        guard isInteger, let value = Int(text), range.contains(value) else { return nil }
        return value
    }

    /// The value as an `Int64`, when it is an integer that fits in one.
    public var int64Value: Int64? { isInteger ? Int64(text) : nil }

    public var description: String { text }

    /// The sign, the significant digits (no leading or trailing zeros; empty for zero) and the
    /// power of ten they are multiplied by.
    private static func decompose(_ bytes: [UInt8]) -> (negative: Bool, digits: [UInt8], exponent: Int) {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: [UInt8] = []
        var exponent = 0
        while index < bytes.count, isDigit(bytes[index]) {
            digits.append(bytes[index])
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                exponent -= 1
                index += 1
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var sign = 1
            if bytes[index] == UInt8(ascii: "-") { sign = -1 }
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            // Saturates far beyond any finite Double, so that no exponent overflows an Int.
            var written = 0
            while index < bytes.count {
                written = min(written * 10 + Int(bytes[index] - UInt8(ascii: "0")), exponentLimit)
                index += 1
            }
            exponent += sign * written
        }
        let leading = digits.firstIndex { $0 != UInt8(ascii: "0") } ?? digits.count
        digits.removeFirst(leading)
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { exponent = 0 }
        // Saturated again once the fraction's digits moved it, so that the canonical text, read
        // back, gives the same exponent: `0.03e-100000005` and `3e-100000000` are both the latter.
        exponent = min(max(exponent, -exponentLimit), exponentLimit)
        return (negative, digits, exponent)
    }

    /// The largest exponent kept; beyond it every value is 0 or infinite as a `Double`.
    private static let exponentLimit = 100_000_000

    private static func canonical(negative: Bool, digits: [UInt8], exponent: Int) -> String {
        guard !digits.isEmpty else { return "0" }
        var output: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let zero = UInt8(ascii: "0")
        let integerDigits = digits.count + exponent
        if exponent >= 0, integerDigits <= maximumIntegerDigits {
            output += digits
            output += repeatElement(zero, count: exponent)
        } else if exponent < 0, integerDigits > 0 {
            output += digits[..<integerDigits]
            output.append(UInt8(ascii: "."))
            output += digits[integerDigits...]
        } else if exponent < 0, integerDigits > -6 {
            output += [zero, UInt8(ascii: ".")]
            output += repeatElement(zero, count: -integerDigits)
            output += digits
        } else {
            output.append(digits[0])
            if digits.count > 1 {
                output.append(UInt8(ascii: "."))
                output += digits[1...]
            }
            output.append(UInt8(ascii: "e"))
            output += String(integerDigits - 1).utf8
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `bytes` are one JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private static func isValid(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digitRun() -> Int {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let first = index
        let integerDigits = digitRun()
        guard integerDigits > 0, integerDigits == 1 || bytes[first] != UInt8(ascii: "0") else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digitRun() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digitRun() > 0 else { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension JSONNumber: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
    public init(floatLiteral value: Double) { self.init(value)! }
}
