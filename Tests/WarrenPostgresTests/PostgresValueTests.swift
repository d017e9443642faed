import Foundation
import Testing
import WarrenPostgres

@Suite struct PostgresValueTests {
    @Test func encodesArrayLiteralsWithEscapes() {
        let values: [String?] = ["plain", #"quo"te"#, #"back\slash"#, nil, "{brace,comma}"]
        #expect(values.postgresText == #"{"plain","quo\"te","back\\slash",NULL,"{brace,comma}"}"#)
        #expect([Int]().postgresText == "{}")
    }

    @Test func readsISOTimestamps() throws {
        #expect(try Date(postgresText: "2026-11-25 13:48:00+00") == Date(timeIntervalSince1970: 1_795_614_480))
        #expect(try Date(postgresText: "2026-11-25 13:48:00.5+00") == Date(timeIntervalSince1970: 1_795_614_480.5))
        #expect(try Date(postgresText: "2026-11-25 15:48:00+02") == Date(timeIntervalSince1970: 1_795_614_480))
        #expect(try Date(postgresText: "2024-02-29 00:00:00+00") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(throws: PostgresError.self) { try Date(postgresText: "yesterday") }
    }

    @Test func readsScalars() throws {
        #expect(try Bool(postgresText: "t"))
        #expect(try Int(postgresText: "-42") == -42)
        #expect(throws: PostgresError.self) { try Int(postgresText: "4.2") }
        #expect(
            try UUID(postgresText: "5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192").uuidString.lowercased()
                == "5f0c2a9e-1b7d-4c3e-9a51-2d4e6f708192")
    }
}
