import Foundation
import Testing
import WarrenCore

@Suite struct JSONNumberTests {
    @Test(arguments: [
        "9007199254740993", "-9007199254740993", "1234567890123456789", "12345678901234567890123",
        "0.1", "-2.5", "3.14159265358979323846264338327950288",
    ])
    func keepsEveryDigit(text: String) throws {
        #expect(try JSONValue(parsing: Array(text.utf8)).jsonText == text)
        #expect(try JSONValue(parsing: Array("[\(text)]".utf8)).jsonText == "[\(text)]")
    }

    @Test(arguments: [
        ("1.50", "1.5"), ("15e-1", "1.5"), ("1.0", "1"), ("-0", "0"), ("0.000", "0"), ("1e2", "100"),
        ("1E+2", "100"), ("0.000001", "0.000001"), ("1e-7", "1e-7"), ("1e300", "1e300"), ("-1.25e-10", "-1.25e-10"),
        ("100000000000000000000000000000000000000000", "1e41"),
    ])
    func writesOneSpellingForEachValue(written: String, canonical: String) throws {
        let number = try #require(JSONNumber(text: written.utf8))
        #expect(number.text == canonical)
        #expect(number == JSONNumber(text: canonical.utf8))
    }

    @Test func isIntegerWhenNothingFollowsThePoint() throws {
        #expect(try #require(JSONNumber(text: "1e300".utf8)).isInteger)
        #expect(try #require(JSONNumber(text: "2.0".utf8)).isInteger)
        #expect(try !#require(JSONNumber(text: "2.5".utf8)).isInteger)
        #expect(JSONValue.number(2.0).typeName == "integer")
    }

    @Test func readsIntegersExactlyAndOnlyInRange() throws {
        func integer(_ text: String, _ range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
            JSONNumber(text: text.utf8)?.integer(in: range)
        }
        #expect(integer("9007199254740993") == 9_007_199_254_740_993)
        #expect(integer("9223372036854775807") == Int.max)
        #expect(integer("9223372036854775808") == nil)
        #expect(integer("1e300") == nil)
        #expect(integer("1.5") == nil)
        #expect(integer("1000", 0...1_000) == 1_000)
        #expect(integer("1001", 0...1_000) == nil)
        #expect(integer("-1", 0...1_000) == nil)
    }

    /// Exponents far below any `Double` saturate, and the text they are written as reads back the
    /// same (the fuzzer found `0.0000000000003e-0000000000000000707250000` did not).
    @Test(arguments: [
        "0.0000000000003e-0000000000000000707250000", "0.03e-100000005", "3e-100000000", "1.23e-99999999999",
    ])
    func aVanishinglySmallNumberReadsBackAsItIsWritten(text: String) throws {
        let number = try #require(JSONNumber(text: text.utf8))
        let again = try #require(JSONNumber(text: number.text.utf8))
        #expect(again == number)
        #expect(again.text == number.text)
        #expect(number.doubleValue == 0)
    }

    @Test(arguments: ["1e400", "-1e309", "1" + String(repeating: "0", count: 400)])
    func refusesNumbersNoDoubleCanHold(text: String) {
        #expect(throws: WarrenError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test(arguments: ["", "-", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5.5", " 1"])
    func refusesWhatIsNotANumber(text: String) {
        #expect(JSONNumber(text: text.utf8) == nil)
    }

    @Test func aDoubleIsWrittenInItsShortestForm() {
        #expect(JSONValue(0.1).jsonText == "0.1")
        #expect(JSONValue(1e-5).jsonText == "0.00001")
        #expect(JSONValue(5e20).jsonText == "500000000000000000000")
        #expect(JSONValue(Double.infinity) == .null)
        #expect(JSONValue(Double.nan) == .null)
    }

    struct Account: Codable, Equatable {
        var userID: Int64
        var big: UInt64
        var ratio: Double
    }

    @Test func decodesAndEncodesThroughCodableExactly() throws {
        let value = try JSONValue(
            parsing: Array(#"{"big":18446744073709551615,"ratio":0.25,"userID":9007199254740993}"#.utf8))
        let account = try value.decode(as: Account.self)
        #expect(account == Account(userID: 9_007_199_254_740_993, big: .max, ratio: 0.25))
        #expect(try JSONValue(encoding: account) == value)
        let nested = try JSONValue.decoder.decode(JSONValue.self, from: value.jsonData)
        #expect(nested == value)
    }
}

@Suite struct JSONValueCodableTests {
    struct Holder: Codable, Equatable {
        var value: JSONValue
    }

    @Test(arguments: [
        "9007199254740993", "1234567890123456789", "18446744073709551615", "12345678901234567890123", "0.1",
        "-2.5", "1e300", "3.14159",
    ])
    func aValueInsideACodableTypeKeepsItsDigits(text: String) throws {
        let document = try JSONValue(parsing: Array(#"{"value":\#(text)}"#.utf8))
        let holder = try document.decode(as: Holder.self)
        #expect(holder.value.jsonText == text)
        #expect(try JSONValue(encoding: holder).jsonText == #"{"value":\#(text)}"#)
    }
}
