import Testing
import WarrenCore

@Suite struct OnePerKeyTests {
    @Test func keepsTheFirstPreferredElementOfEachKeyOrElseItsFirst() {
        let copies: [(task: String, startWritten: Bool)] = [
            ("a", false), ("b", false), ("a", true), ("c", false), ("a", true), ("b", false),
        ]
        #expect(copies.indicesOfOnePerKey(\.task, preferring: \.startWritten) == [1, 2, 3])
    }

    @Test func keepsEveryElementWhenNoKeyRepeats() {
        #expect(["x", "y", "z"].indicesOfOnePerKey({ $0 }, preferring: { _ in false }) == [0, 1, 2])
        #expect([String]().indicesOfOnePerKey({ $0 }, preferring: { _ in true }) == [])
    }
}
